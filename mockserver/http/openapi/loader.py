"""Load the shipped OpenAPI descriptions, parsed once: the control plane's (next to this
module) and each vendor's (in its folder, as `Vendor.openapi_documents()` declares them), whose
`x-lifecycle: <which>` nodes get their `enum` from the vendor's lifecycle here
(`mockserver/kit/lifecycle.py`), so a status added to a vendor reaches its description.

YAML 1.1 quietly turns some unquoted words into other types (`200:` into an integer key,
`yes` into true, `2026-01-01` into a date), which JSON and OpenAPI do not allow; a file that
does so is refused with the path of the offending node instead of being served wrong.
"""

from __future__ import annotations

import copy
import functools
from importlib import resources
from typing import Any, Final

import yaml

from mockserver.base.jsonio import dumps
from mockserver.http.appkeys import CONTROL_PREFIX
from mockserver.kit.vendor import OpenApiDocument

CONTROL: Final = "control"
_SCALARS: Final = (str, int, float, bool, type(None))


class DocumentError(ValueError):
    """A description file that is not plain JSON data once parsed."""


_CONTROL_DOCUMENT: Final = OpenApiDocument(
    CONTROL, __package__ or "mockserver.http.openapi", f"{CONTROL}.yaml"
)


def _locations() -> dict[str, OpenApiDocument]:
    """Each description by name, the vendors' first, then the control's."""
    from mockserver.registry import vendors  # at call time: a test may register one

    found = {d.name: d for v in vendors() for d in v.openapi_documents()}
    found[CONTROL] = _CONTROL_DOCUMENT
    return found


def names() -> tuple[str, ...]:
    """The names of every description served under `/_mockserver/openapi/`."""
    return tuple(_locations())


def _text(doc: OpenApiDocument) -> str:
    return resources.files(doc.package).joinpath(doc.resource).read_text(encoding="utf-8")


def source(name: str) -> str:
    """The YAML text of description `name` as written (its `x-lifecycle` markers unfilled);
    KeyError for a name not in `names()`."""
    return _text(_locations()[name])


def parse(text: str, where: str) -> dict[str, Any]:
    """A description's YAML text as JSON data; DocumentError (naming the node) otherwise."""
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise DocumentError(f"{where}: the document is not a mapping")
    _check(data, f"{where}:")
    return data


@functools.cache
def _parsed_document(doc: OpenApiDocument) -> dict[str, Any]:
    data = parse(_text(doc), doc.resource)
    if doc.lifecycle is not None:
        try:
            doc.lifecycle.fill(data)
        except ValueError as exc:
            raise DocumentError(f"{doc.resource}:{exc}") from None
    return data


def _parsed(name: str) -> dict[str, Any]:
    """Description `name`, parsed once per declaration (a derived vendor's is its own)."""
    return _parsed_document(_locations()[name])


def _check(node: Any, where: str) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if not isinstance(key, str):
                raise DocumentError(f"{where}/{key!r}: key is a {type(key).__name__}; quote it")
            _check(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            _check(item, f"{where}/{index}")
    elif not isinstance(node, _SCALARS):
        raise DocumentError(f"{where}: {node!r} is a {type(node).__name__}; quote it")


def document(name: str) -> dict[str, Any]:
    """A fresh copy of description `name` (callers may change it freely)."""
    return copy.deepcopy(_parsed(name))


@functools.cache
def _document_json(doc: OpenApiDocument) -> bytes:
    return dumps(_parsed_document(doc))


def document_json(name: str) -> bytes:
    """Description `name` as the JSON bytes the control plane serves."""
    return _document_json(_locations()[name])


def index() -> list[dict[str, str]]:
    """Every description: its name, its API's title and version, and where it is served."""
    return [
        {
            "name": name,
            "title": str(_parsed(name)["info"]["title"]),
            "version": str(_parsed(name)["info"]["version"]),
            "path": f"{CONTROL_PREFIX}/openapi/{name}",
        }
        for name in names()
    ]
