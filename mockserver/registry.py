"""The emulated vendors. Adding a vendor: a new folder under `vendors/` and one line here."""

from __future__ import annotations

from mockserver.vendor import Vendor
from mockserver.vendors.hitl.vendor import HitlVendor
from mockserver.vendors.hive.vendor import HiveVendor
from mockserver.vendors.outharm.vendor import OutharmVendor

VENDORS: tuple[Vendor, ...] = (HitlVendor(), OutharmVendor(), HiveVendor())
