"""Outharm emulation: schema-based automated and manual content moderation (api.outharm.com).

Vendor facts cite Outharm's pages under https://outharm.com/docs/; where those pages are silent,
the sandbox's own choice is marked [I].
"""
