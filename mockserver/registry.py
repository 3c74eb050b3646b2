"""The emulated vendors. Adding a vendor: a new folder under `vendors/` and one line here."""

from __future__ import annotations

from mockserver.vendor import Vendor
from mockserver.vendors.hitl.vendor import HitlVendor

VENDORS: tuple[Vendor, ...] = (HitlVendor(),)
