"""Vendor emulations: one package per vendor, each with the same file roles."""
