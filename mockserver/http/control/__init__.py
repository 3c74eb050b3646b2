"""The control plane under `/_mockserver/`: what tests and QA use to steer the sandbox."""
