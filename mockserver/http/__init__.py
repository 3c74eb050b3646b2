"""The server: settings, one world per namespace, the aiohttp app and its start-up, the
control plane (`control/`), the OpenAPI descriptions (`openapi/`) and the reviewer console's
files (`console/`)."""
