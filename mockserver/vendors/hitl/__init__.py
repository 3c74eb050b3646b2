"""HITL.sh emulation: loops, review requests, response types and reviewer answers."""
