"""OpenAPI descriptions of the emulated APIs and of the control plane, shipped as data.

Each description is a YAML file in this package, written from what the sandbox really answers
(the tests check responses against them, and that every registered route is described). The
control plane serves them as JSON under `/_mockserver/openapi/{name}`.
"""

from __future__ import annotations

from mockserver.http.openapi.loader import (
    DocumentError,
    document,
    document_json,
    index,
    names,
    parse,
    source,
)

__all__ = ["DocumentError", "document", "document_json", "index", "names", "parse", "source"]
