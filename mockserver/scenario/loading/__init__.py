"""Reading scenario files: the JSON Schema, the loader (file:line errors), `mockserver
validate`'s checks, the named scenarios; each vendor's section through the kit."""
