"""The emulated vendors. Adding a vendor: a new folder under `vendors/` and one line here.

`vendors()` is what every part of the sandbox asks; `register(vendor)` adds one at run time
(a test's own vendor) until the returned handle is closed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from mockserver.kit.vendor import Vendor
from mockserver.vendors.hitl.vendor import HitlVendor
from mockserver.vendors.hive.vendor import HiveVendor
from mockserver.vendors.outharm.vendor import OutharmVendor

VENDORS: tuple[Vendor, ...] = (HitlVendor(), OutharmVendor(), HiveVendor())

_extra: list[Vendor] = []


def vendors() -> tuple[Vendor, ...]:
    """Every vendor: the built-in ones, then any registered at run time."""
    return (*VENDORS, *_extra)


def vendor(name: str) -> Vendor:
    """The vendor called `name`; KeyError listing the names otherwise."""
    for v in vendors():
        if v.name == name:
            return v
    raise KeyError(f"no vendor {name!r} (vendors: {', '.join(v.name for v in vendors())})")


@contextmanager
def register(extra: Vendor) -> Iterator[Vendor]:
    """Serve one more vendor while the block runs (a vendor that lives in a test)."""
    if any(v.name == extra.name for v in vendors()):
        raise ValueError(f"a vendor called {extra.name!r} is already registered")
    _extra.append(extra)
    try:
        yield extra
    finally:
        _extra.remove(extra)
