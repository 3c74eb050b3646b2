"""The emulated vendors. Adding a vendor: a new folder under `vendors/` and one line here, its
package in `PACKAGES` (the `VENDOR` its `vendor.py` declares is imported from there).

`vendors()` is what every part of the sandbox asks; `register(vendor)` adds one at run time
(a test's own vendor) until the returned handle is closed, or, `instead=True`, serves it in
place of the built-in vendor of the same name (a derived vendor a test builds). Every vendor
is checked against the contract when it is listed or registered (`mockserver/kit/contract.py`).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager

from mockserver.kit.contract import VendorContractError, check
from mockserver.kit.vendor import Vendor

# The vendors, one line each, in the order the sandbox lists them.
PACKAGES: tuple[str, ...] = (
    "mockserver.vendors.hitl",
    "mockserver.vendors.outharm",
    "mockserver.vendors.hive",
)


def declared(package: str) -> Vendor:
    """The `VENDOR = Vendor(...)` that `<package>.vendor` declares."""
    found = getattr(importlib.import_module(f"{package}.vendor"), "VENDOR", None)
    if not isinstance(found, Vendor):
        raise VendorContractError(f"{package}.vendor declares no `VENDOR = Vendor(...)`")
    return found


VENDORS: tuple[Vendor, ...] = tuple(declared(p) for p in PACKAGES)

for _index, _vendor in enumerate(VENDORS):
    check(_vendor, VENDORS[:_index])

_extra: list[Vendor] = []
_instead: dict[str, Vendor] = {}


def vendors() -> tuple[Vendor, ...]:
    """Every vendor: the built-in ones (or what replaces them), then any registered at run
    time."""
    return (*(_instead.get(v.name, v) for v in VENDORS), *_extra)


def vendor(name: str) -> Vendor:
    """The vendor called `name`; KeyError listing the names otherwise."""
    for v in vendors():
        if v.name == name:
            return v
    raise KeyError(f"no vendor {name!r} (vendors: {', '.join(v.name for v in vendors())})")


@contextmanager
def register(extra: Vendor, *, instead: bool = False) -> Iterator[Vendor]:
    """Serve one more vendor while the block runs (a vendor that lives in a test); with
    `instead`, serve it in place of the vendor of the same name."""
    if instead:
        if extra.name not in {v.name for v in VENDORS} or extra.name in _instead:
            raise ValueError(f"no vendor {extra.name!r} to serve {extra.package} instead of")
        check(extra, tuple(v for v in vendors() if v.name != extra.name))
        _instead[extra.name] = extra
        try:
            yield extra
        finally:
            del _instead[extra.name]
        return
    check(extra, vendors())
    _extra.append(extra)
    try:
        yield extra
    finally:
        _extra.remove(extra)
