"""Hive emulation: the Models API (api.thehive.ai) and the Moderation Dashboard API
(api.hivemoderation.com), with a deterministic scorer, Dashboard rules and actions."""
