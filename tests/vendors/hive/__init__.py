"""Tests of the Hive emulation (a package, so test module names do not clash across vendors)."""
