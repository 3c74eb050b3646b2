"""The control client of tests: `mockserver.client.control.ControlClient` (the one client, which
`mockserver trigger` uses too), plus scenario files, waits whose failure lists what did arrive,
and assertions.

The same client drives an in-process sandbox and a container: everything goes over HTTP, and
every call carries the client's namespace as `X-Mockserver-Namespace` (none for the default
namespace ""). Errors are raised, never returned: `ControlError` with the control plane's
message, `ScenarioRejected` listing every problem of an uploaded scenario, `WaitTimedOut` (also
an `AssertionError`) when a long-poll gives up.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, Unpack

from mockserver.base.filters import (
    DeliveryCriteria,
    DeliveryFilter,
    JournalFields,
    JournalFilter,
)
from mockserver.client import control
from mockserver.client.control import (
    NAMESPACE_HEADER,
    ControlError,
    Json,
    ScenarioRejected,
    WaitTimedOut,
    delivery_filter,
    journal_filter,
)
from mockserver.testing import assertions
from mockserver.testing.scenarios import ScenarioSource, scenario_text

PREFIX = control.CONTROL_PREFIX

__all__ = [
    "NAMESPACE_HEADER",
    "PREFIX",
    "ControlClient",
    "ControlError",
    "Json",
    "ScenarioRejected",
    "WaitTimedOut",
]


class ControlClient(control.ControlClient):
    """The control plane of the sandbox at `url`, scoped to `namespace`."""

    def load_scenario(
        self,
        source: ScenarioSource,
        *,
        base_dir: Path | None = None,
        substitutions: Mapping[str, str] | None = None,
    ) -> Json:
        """Make a scenario current (and reset): a file path, inline YAML text or a dict.

        Relative paths are looked up in `base_dir`, then the working directory. `${name}`
        placeholders are replaced from `substitutions` (the plugin fills `${webhook_url}` and
        `${webhook_secret}`). Raises ScenarioRejected with every problem found.
        """
        text, origin = scenario_text(source, base_dir=base_dir, substitutions=substitutions)
        try:
            named_file = None if origin.startswith("<") else {"source": origin}
            return self.request("PUT", "/scenario", query=named_file, text=text)
        except ControlError as exc:
            problems = exc.body.get("problems")
            if exc.status != 400 or not isinstance(problems, list):
                raise
            named = [str(p).replace("<uploaded>", origin) for p in problems]
            raise ScenarioRejected(exc.status, named, exc.body) from None

    # -- waits -------------------------------------------------------------------------------
    def deliveries_timed_out(self, exc: WaitTimedOut) -> WaitTimedOut:
        """A delivery wait that gave up lists the deliveries that did match so far."""
        listing = assertions.describe_deliveries(exc.body.get("deliveries") or [])
        return WaitTimedOut(exc.status, f"{exc.message}\n{listing}", exc.body)

    # -- assertions --------------------------------------------------------------------------
    def assert_request_made(
        self,
        where: JournalFilter | None = None,
        /,
        *,
        body: Mapping[str, Any] | None = None,
        count: int | None = 1,
        **fields: Unpack[JournalFields],
    ) -> list[Json]:
        """Assert the journal holds exactly `count` matching calls (None: at least one).
        `path` is a glob; `body` must be contained in the JSON body. Returns the matches; on
        failure, lists every call the sandbox received."""
        return assertions.assert_request_made(
            self.journal(),
            journal_filter(where, fields),
            body=body,
            count=count,
            namespace=self.namespace,
        )

    def assert_webhook_delivered(
        self,
        event: str | None = None,
        count: int | None = 1,
        *,
        timeout: float = 0.0,
        where: DeliveryFilter | None = None,
        **criteria: Unpack[DeliveryCriteria],
    ) -> list[Json]:
        """Assert exactly `count` deliveries (None: at least one) match, in `state` (None: any;
        "delivered" unless given). With `timeout`, first wait up to that many seconds for them.
        Returns the matches; on failure, lists every delivery the sandbox made."""
        if where is None:
            criteria.setdefault("state", "delivered")
        wanted = delivery_filter(where, criteria)
        if event is not None:
            wanted = replace(wanted, event=event)
        if timeout > 0 and count != 0:
            with contextlib.suppress(WaitTimedOut):  # the assertion below says what arrived
                self.wait_for_deliveries(count or 1, timeout=timeout, where=wanted)
        return assertions.assert_webhook_delivered(
            self.deliveries(), wanted, count=count, namespace=self.namespace
        )
