"""Control-plane routes: health, reset, scenario, journal, deliveries, clock, reviewers, waits,
the reviewer console.

Every call takes an optional namespace (`X-Mockserver-Namespace` header or `?namespace=`), so
parallel test workers sharing one sandbox never see each other's state, journal, deliveries or
clock. Errors are `{"error": message}` with extra detail keys where useful.
"""

from __future__ import annotations

from aiohttp import web

from mockserver.http import appkeys
from mockserver.http.control.clock_routes import advance_clock, clock_mode, get_clock, set_clock
from mockserver.http.control.common import Handler, guard
from mockserver.http.control.console import (
    console_file,
    console_page,
    console_vendors,
    list_timers,
    validate_scenario,
    vendor_view,
    wait_changes,
)
from mockserver.http.control.logs import (
    clear_deliveries,
    clear_journal,
    get_deliveries,
    get_delivery,
    get_journal,
    redeliver,
    wait_deliveries,
    wait_journal,
)
from mockserver.http.control.reviewers import act, list_items, wait_item
from mockserver.http.control.setup import (
    add_scenario,
    drop_namespace,
    get_scenario,
    get_schema,
    health,
    list_namespaces,
    put_scenario,
    reset,
)
from mockserver.http.control.variants import (
    clear_lenience,
    get_lenience,
    get_variants,
    match_variant,
    put_variants,
)
from mockserver.http.control.vendors import list_vendors

P = appkeys.CONTROL_PREFIX


def control_routes() -> list[web.RouteDef]:
    table: list[tuple[str, str, Handler]] = [
        ("GET", "/health", health),
        ("POST", "/reset", reset),
        ("GET", "/scenario", get_scenario),
        ("PUT", "/scenario", put_scenario),
        ("POST", "/scenarios", add_scenario),
        ("GET", "/schema", get_schema),
        ("GET", "/scenario.schema.json", get_schema),  # a stable URL for `$schema=` lines
        ("GET", "/namespaces", list_namespaces),
        ("DELETE", "/namespaces/{namespace}", drop_namespace),
        ("GET", "/journal", get_journal),
        ("DELETE", "/journal", clear_journal),
        ("GET", "/deliveries", get_deliveries),
        ("DELETE", "/deliveries", clear_deliveries),
        ("GET", "/deliveries/{id}", get_delivery),
        ("POST", "/deliveries/{id}/redeliver", redeliver),
        ("GET", "/clock", get_clock),
        ("POST", "/clock/advance", advance_clock),
        ("POST", "/clock/set", set_clock),
        ("POST", "/clock/mode", clock_mode),
        ("GET", "/items", list_items),
        ("POST", "/items/{vendor}/{id}", act),
        ("GET", "/wait/items/{vendor}/{id}", wait_item),
        ("GET", "/wait/deliveries", wait_deliveries),
        ("GET", "/wait/journal", wait_journal),
        ("GET", "/variants", get_variants),
        ("PUT", "/variants", put_variants),
        ("POST", "/variants/match", match_variant),
        ("GET", "/lenience", get_lenience),
        ("DELETE", "/lenience", clear_lenience),
        ("GET", "/wait/changes", wait_changes),
        ("GET", "/clock/timers", list_timers),
        ("POST", "/scenario/validate", validate_scenario),
        ("GET", "/ui", console_page),
        ("GET", "/ui/", console_page),
        ("GET", "/ui/vendors.json", console_vendors),
        ("GET", "/ui/vendors/{vendor}.js", vendor_view),
        ("GET", "/ui/{file}", console_file),
        ("GET", "/vendors", list_vendors),
    ]
    return [web.route(method, P + path, guard(handler)) for method, path, handler in table]
