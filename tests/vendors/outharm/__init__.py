"""Tests of the Outharm emulation (a package, so test module names do not clash across vendors)."""
