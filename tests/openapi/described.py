"""Calls to an in-process sandbox checked against one of its own OpenAPI descriptions.

`Described(name, client)` sends a call by operation (method, path template, parameters), asserts
the status it expects, and validates the answer against the response the description documents
for exactly that status (never the `default` catch-all): the JSON body against its schema (OAS
3.1, formats checked, `$ref`s resolved through a `referencing` registry), the content type, and
every header the description marks required. It records what it checked, so a test can assert
that each operation was seen answering both a success and an error.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from aiohttp.test_utils import TestClient
from jsonschema.exceptions import ValidationError
from multidict import CIMultiDictProxy
from openapi_schema_validator import OAS31Validator, oas31_format_checker
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from mockserver.http.openapi import document

METHODS = ("get", "put", "post", "delete", "patch")
_UNSET: Any = object()


@dataclass
class Answer:
    status: int
    body: Any
    headers: CIMultiDictProxy[str]


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def server_paths(doc: Mapping[str, Any], template: str) -> list[str]:
    """The path part of each server an operation is served under (path-level servers win)."""
    servers = doc["paths"][template].get("servers") or doc.get("servers") or [{"url": "/"}]
    return [urlsplit(s["url"]).path.rstrip("/") for s in servers]


def operations(doc: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Every (METHOD, template) the description documents."""
    return [
        (method.upper(), template)
        for template, item in doc["paths"].items()
        for method in METHODS
        if method in item
    ]


@dataclass
class Described:
    """A client for one description; `call` checks each answer (module docstring)."""

    name: str
    client: TestClient[Any, Any]
    headers: dict[str, str] = field(default_factory=dict)
    server: str | None = None
    checked: set[tuple[str, str, int]] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.doc = document(self.name)
        uri = f"urn:mockserver-openapi:{self.name}"
        self._uri = uri
        self._registry: Registry[Any] = Registry().with_resource(
            uri, DRAFT202012.create_resource(self.doc)
        )

    # -- the description ----------------------------------------------------------------------
    def _resolve(self, node: Mapping[str, Any], pointer: str) -> tuple[Mapping[str, Any], str]:
        """Follow a `$ref`ed Response object to its target (and the target's pointer)."""
        while "$ref" in node and node["$ref"].startswith("#/components/responses/"):
            pointer = node["$ref"].removeprefix("#")
            node = self.doc
            for part in pointer.strip("/").split("/"):
                node = node[part.replace("~1", "/").replace("~0", "~")]
        return node, pointer

    def response(self, method: str, template: str, status: int) -> tuple[Mapping[str, Any], str]:
        """The documented Response object for exactly `status`, and its JSON pointer."""
        responses = self.doc["paths"][template][method.lower()]["responses"]
        assert str(status) in responses, f"{status} is not documented for {method} {template}"
        pointer = f"/paths/{_escape(template)}/{method.lower()}/responses/{status}"
        return self._resolve(responses[str(status)], pointer)

    def problems(self, pointer: str, instance: Any) -> list[str]:
        """Why `instance` does not fit the schema at `pointer` (empty: it fits)."""
        validator = OAS31Validator(
            {"$ref": f"{self._uri}#{pointer}"},
            registry=self._registry,
            format_checker=oas31_format_checker,
        )
        errors: list[ValidationError] = sorted(
            validator.iter_errors(instance), key=lambda e: list(e.absolute_path)
        )
        return [f"/{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors]

    # -- calls --------------------------------------------------------------------------------
    async def call(
        self,
        method: str,
        template: str,
        status: int,
        *,
        path: Mapping[str, str] | None = None,
        query: Mapping[str, str] | None = None,
        json_body: Any = _UNSET,
        data: Any = None,
        headers: Mapping[str, str] | None = None,
        server: str | None = None,
    ) -> Answer:
        """One call; asserts `status` and that the answer is what the description says."""
        prefix = server if server is not None else self.server
        if prefix is None or "servers" in self.doc["paths"][template]:
            prefix = server_paths(self.doc, template)[0] if server is None else server
        url = prefix + template.format(**(path or {}))
        sent = {**self.headers, **(headers or {})}
        kwargs: dict[str, Any] = {"params": query, "headers": sent}
        if json_body is not _UNSET:
            kwargs["data"] = json.dumps(json_body)
            sent.setdefault("Content-Type", "application/json")
        elif data is not None:
            kwargs["data"] = data
        async with self.client.request(method, url, **kwargs) as resp:
            raw = await resp.read()
            is_json = resp.content_type == "application/json" and raw
            body: Any = json.loads(raw) if is_json else raw
            if resp.content_type.startswith("text/"):  # a page or a script: checked as text
                body = raw.decode("utf-8")
            answer = Answer(resp.status, body, resp.headers)
        assert answer.status == status, (method, url, answer.status, raw[:500])
        self._check(method, template, answer, raw)
        self.checked.add((method, template, status))
        return answer

    def _check(self, method: str, template: str, answer: Answer, raw: bytes) -> None:
        documented, pointer = self.response(method, template, answer.status)
        content = documented.get("content")
        if not content:
            assert raw == b"", f"{method} {template} {answer.status}: no body documented"
        else:
            media_type = answer.headers.get("Content-Type", "").split(";")[0]
            assert media_type in content, (method, template, media_type, list(content))
            schema = f"{pointer}/content/{_escape(media_type)}/schema"
            assert self.problems(schema, answer.body) == [], (method, template, answer.body)
        for name, header in (documented.get("headers") or {}).items():
            if "$ref" in header:
                header = self.doc["components"]["headers"][header["$ref"].rsplit("/", 1)[-1]]
            if header.get("required"):
                assert name in answer.headers, f"{method} {template}: no {name} header"

    def assert_covered(self, *, errors: bool = True) -> None:
        """Every documented operation was seen answering a 2xx, and a 4xx when it documents
        one (`errors`)."""
        for method, template in operations(self.doc):
            seen = {status for m, t, status in self.checked if (m, t) == (method, template)}
            assert any(200 <= s < 300 for s in seen), f"no success checked for {method} {template}"
            responses = self.doc["paths"][template][method.lower()]["responses"]
            documents_4xx = any(code.startswith("4") for code in responses)
            if errors and documents_4xx:
                assert any(400 <= s < 500 for s in seen), f"no error checked: {method} {template}"
