"""Reliability tests: concurrency, webhook receiver faults, auth and bounded logs (a package,
so test module names do not clash with other folders)."""
