"""The `mockserver` command: `serve`, `validate`, `schema`, `trigger`, `load`, `hosts`,
`variants`, `health` and `drift` (`drift/`)."""
