"""What a vendor declaration must hold beyond its types, checked when it is registered.

`mockserver/registry.py` checks every vendor it lists, and `registry.register` every vendor a
test adds, so a vendor that breaks the contract fails at start (or at collection), with one
message listing everything missing or wrong, never silently at run time. The types say what
each field is (mypy and the `Vendor` dataclass name a missing one); this says what they cannot:
that the names, statuses, files and shapes agree with each other.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from typing import Any, Final

from mockserver.base.errors import ApiError
from mockserver.kit.lifecycle import Phase
from mockserver.kit.vendor import Vendor

NAME: Final = re.compile(r"^[a-z][a-z0-9-]{0,39}$")
"""A vendor's name: its scenario section's key, its path under `/_mockserver/items/`."""
RESERVED: Final = frozenset({"control"})
"""Names the core uses beside the vendors' (the control plane's OpenAPI description)."""
SAMPLE: Final = ApiError(418, "mockserver contract check: sample message", code="sample")
METHODS: Final = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})


class VendorContractError(ValueError):
    """A vendor declaration the core cannot serve; the message lists each problem."""


def check(vendor: Vendor, others: tuple[Vendor, ...] = ()) -> None:
    """VendorContractError listing every problem of `vendor` (and its clashes with `others`,
    the vendors registered before it)."""
    found = problems(vendor, others)
    if found:
        lines = "\n".join(f"  - {p}" for p in found)
        raise VendorContractError(
            f"vendor {vendor.name!r} ({vendor.package}) breaks the vendor contract "
            f"(docs/contributing.md, 'Add a vendor'):\n{lines}"
        )


def problems(vendor: Vendor, others: tuple[Vendor, ...] = ()) -> list[str]:
    """Everything wrong with a vendor declaration, one line each (empty: none)."""
    found: list[str] = []
    for part in (_naming, _lifecycle, _errors, _files, _section, _state, _smoke, _routes):
        found += part(vendor)
    found += _clashes(vendor, others)
    return found


def _naming(vendor: Vendor) -> list[str]:
    found = []
    if not NAME.match(vendor.name) or vendor.name in RESERVED:
        found.append(
            f"name {vendor.name!r}: lower-case letters, digits and '-', starting with a letter "
            f"(not {', '.join(sorted(RESERVED))})"
        )
    if not vendor.title.strip():
        found.append("title: empty")
    if not vendor.path_prefixes or not all(p.startswith("/") for p in vendor.path_prefixes):
        found.append("path_prefixes: at least one, each starting with '/'")
    hosts = [h.name for h in vendor.hosts]
    if len(set(hosts)) != len(hosts):
        found.append(f"hosts: a host is declared twice ({', '.join(hosts)})")
    return found


def _lifecycle(vendor: Vendor) -> list[str]:
    statuses = set(vendor.lifecycle.names)
    found = []
    for action in vendor.actions:
        wanted = action.applies_from
        if wanted is None or isinstance(wanted, Phase):
            continue
        unknown = sorted(set(wanted) - statuses)
        if unknown:
            found.append(
                f"action {action.word!r} applies from {', '.join(unknown)}, not in the lifecycle "
                f"({', '.join(vendor.lifecycle.names)})"
            )
    return found


def _errors(vendor: Vendor) -> list[str]:
    """The error renderer answers a sample error with its status and a JSON body whose
    message is where `errors.message` says."""
    try:
        response = vendor.errors.render(SAMPLE)
        body = json.loads(response.body) if isinstance(response.body, bytes) else None
    except Exception as exc:  # anything: the message says what the renderer did
        return [f"errors.render: failed on a sample ApiError ({type(exc).__name__}: {exc})"]
    found = []
    if response.status < 400:
        found.append(f"errors.render: answered a {SAMPLE.status} error with {response.status}")
    if not isinstance(body, dict):
        found.append("errors.render: the body is not a JSON object")
    elif vendor.errors.message_of(body) != SAMPLE.message:
        path = ".".join(vendor.errors.message) or "(none)"
        found.append(
            f"errors.message: the error's message is not at {path!r} of the body the "
            f"renderer gives ({json.dumps(body)[:200]}); declare where it is "
            "(ErrorFormat(render, message=('msg',)))"
        )
    return found


def _resource(vendor: Vendor, name: str) -> bool:
    try:
        return resources.files(vendor.package).joinpath(name).is_file()
    except (ModuleNotFoundError, TypeError):
        return False


def _files(vendor: Vendor) -> list[str]:
    found = []
    if not vendor.openapi:
        found.append(
            "openapi: no OpenAPI description (an `openapi.yaml` in the vendor's folder, "
            "declared `openapi=('openapi.yaml',)`): the sandbox serves and tests it"
        )
    for name in vendor.openapi:
        if not _resource(vendor, name):
            found.append(f"openapi: {name!r} is not a file of package {vendor.package!r}")
    if vendor.console is not None and not _resource(vendor, vendor.console):
        found.append(f"console: {vendor.console!r} is not a file of package {vendor.package!r}")
    return found


def _section(vendor: Vendor) -> list[str]:
    try:
        schema = vendor.section_schema()
    except Exception as exc:  # the builder's own error, named
        return [f"section.schema: failed to build ({type(exc).__name__}: {exc})"]
    found = []
    if schema.get("type") != "object":
        found.append("section.schema: the section's schema is not an object schema")
    keys: Any = schema.get("properties", {}).get(vendor.auth.keys)
    if not isinstance(keys, dict) or keys.get("type") != "array":
        found.append(
            f"auth.keys: the section has no list {vendor.auth.keys!r} of accepted API keys "
            "(the auth tests and `key~namespace` clients set it)"
        )
    return found


def _state(vendor: Vendor) -> list[str]:
    """The store's class defines what the core reads of items (`VendorState`'s abstract
    methods: `find`, `all_items`, `status_of`, `summary`, `item_json`)."""
    missing = sorted(getattr(vendor.state, "__abstractmethods__", ()))
    if missing:
        name = getattr(vendor.state, "__name__", repr(vendor.state))
        return [f"state: {name} does not define {', '.join(missing)} (VendorState's methods)"]
    return []


def _smoke(vendor: Vendor) -> list[str]:
    found = []
    if not vendor.smoke:
        found.append("smoke: no call for the image probe (SmokeCall(method, path, ...))")
    hosts = {h.name for h in vendor.hosts}
    for call in vendor.smoke:
        if call.method not in METHODS:
            found.append(f"smoke: {call.method} {call.path}: not an HTTP method")
        if not call.path.startswith(vendor.path_prefixes):
            found.append(f"smoke: {call.path} is under none of the path_prefixes")
        if call.host is not None and call.host not in hosts:
            found.append(f"smoke: {call.path}: host {call.host!r} is not one of the hosts")
    return found


def _routes(vendor: Vendor) -> list[str]:
    hosts = {h.name for h in vendor.hosts}
    found = []
    for route in vendor.routes:
        for host in route.hosts or ():
            if host not in hosts:
                found.append(f"routes: {route.method} {route.path}: unknown host {host!r}")
    return found


def _clashes(vendor: Vendor, others: tuple[Vendor, ...]) -> list[str]:
    found = []
    for other in others:
        if other.name == vendor.name:
            found.append(f"name: a vendor called {vendor.name!r} is already registered")
        docs = {d.name for d in other.openapi_documents()}
        for doc in vendor.openapi_documents():
            if doc.name in docs:
                found.append(f"openapi: {doc.name!r} is served by {other.name!r} already")
        taken = {h.name for h in other.hosts}
        found += [f"hosts: {h.name} is {other.name!r}'s" for h in vendor.hosts if h.name in taken]
    return found
