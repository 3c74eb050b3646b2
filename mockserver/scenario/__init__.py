"""Scenario files: what the simulated reviewers do, loaded and validated with file:line errors."""
