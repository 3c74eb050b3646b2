"""Outharm emulation: schema-based automated and manual content moderation (api.outharm.com)."""
