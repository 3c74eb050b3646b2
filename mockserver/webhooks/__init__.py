"""Webhook delivery: signing, targets with security-test modes, retries on the virtual clock."""
