"""Helpers shared by the test suite's packages."""
