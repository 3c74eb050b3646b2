"""HITL.sh emulation: loops, review requests, response types and reviewer answers.

Vendor facts cite pages of github.com/hitl-sh/docs.hitl.sh by path at a commit (published under
https://docs.hitl.sh/), its official clients (github.com/hitl-sh/n8n-plugin,
github.com/hitl-sh/mcp.hitl.sh) at a commit, or a published page by URL. "The seed quickstart" is
the quickstart as published at https://docs.hitl.sh/quickstart; "the seed requests page" is
https://docs.hitl.sh/concepts/requests as of hitl-sh/docs.hitl.sh concepts/requests.mdx @cce3de9.
"""
