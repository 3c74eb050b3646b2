"""The control-plane client: one for `mockserver trigger`, `mockserver health` and
`mockserver.testing`, over the standard library."""
