"""Load the shipped OpenAPI descriptions, parsed once: the control plane's (next to this
module) and each vendor's (in its folder, as `Vendor.openapi_documents()` declares them).

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

CONTROL: Final = "control"
_SCALARS: Final = (str, int, float, bool, type(None))


class DocumentError(ValueError):
    """A description file that is not plain JSON data once parsed."""


def _locations() -> dict[str, tuple[str, str]]:
    """Each description's name -> (package, file), the vendors' first, then the control's."""
    from mockserver.registry import vendors  # at call time: a test may register one

    found = {d.name: (d.package, d.resource) for v in vendors() for d in v.openapi_documents()}
    found[CONTROL] = (__package__ or "mockserver.http.openapi", f"{CONTROL}.yaml")
    return found


def names() -> tuple[str, ...]:
    """The names of every description served under `/_mockserver/openapi/`."""
    return tuple(_locations())


def source(name: str) -> str:
    """The YAML text of description `name`; KeyError for a name not in `names()`."""
    package, resource = _locations()[name]
    return resources.files(package).joinpath(resource).read_text(encoding="utf-8")


def parse(text: str, where: str) -> dict[str, Any]:
    """A description's YAML text as JSON data; DocumentError (naming the node) otherwise."""
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise DocumentError(f"{where}: the document is not a mapping")
    _check(data, f"{where}:")
    return data


@functools.cache
def _parsed(name: str) -> dict[str, Any]:
    return parse(source(name), f"{name}.yaml")


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
def document_json(name: str) -> bytes:
    """Description `name` as the JSON bytes the control plane serves."""
    return dumps(_parsed(name))


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
