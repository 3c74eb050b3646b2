"""Hive emulation: the Models API (api.thehive.ai) and the Moderation Dashboard API
(api.hivemoderation.com), with a deterministic scorer, Dashboard rules and actions.

Vendor facts cite Hive's pages under https://docs.thehive.ai/. "The seed" is the Dashboard API
Reference the sandbox was first built from, https://docs.thehive.ai/docs/dashboard-api-reference
(one of its published generations: v1 fields, `patron_id`, and an "Example Legacy Response").
"""
