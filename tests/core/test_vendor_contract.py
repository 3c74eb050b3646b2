"""A vendor that breaks the contract fails when it is declared or registered, with a message
saying what is missing or wrong, never silently at run time (mockserver/kit/contract.py)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest
from aiohttp import web

from mockserver import registry
from mockserver.base.errors import ApiError
from mockserver.kit.actions import Action, ActionTable
from mockserver.kit.contract import VendorContractError, check, problems
from mockserver.kit.vendor import ErrorFormat, KeyAuth, ScenarioSection, SmokeCall, Vendor
from mockserver.kit.vendor import VendorState as Store
from tests.minimal_vendor import MINIMAL, minimal


class _NoSummary(Store[Any]):
    def find(self, item_id: str) -> Any:
        return None

    def all_items(self) -> Iterable[Any]:
        return []

    def status_of(self, item: Any) -> str:
        return "open"

    def item_json(self, item: Any) -> dict[str, Any]:
        return {}


def _nested(error: ApiError) -> web.Response:
    return web.json_response({"error": {"text": error.message}}, status=error.status)


def _nothing(state: Any, item: Any, step: Any) -> None:
    return None


def test_the_minimal_declaration_passes() -> None:
    assert problems(MINIMAL, registry.vendors()) == []


def test_a_missing_field_is_named_where_it_is_declared() -> None:
    fields = {k: getattr(MINIMAL, k) for k in ("name", "title", "package", "path_prefixes")}
    with pytest.raises(TypeError, match="lifecycle"):
        Vendor(**fields)


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        ({"name": "Bad Name"}, "name 'Bad Name': lower-case letters"),
        ({"name": "control"}, "(not control)"),
        ({"errors": ErrorFormat(_nested)}, "errors.message: the error's message is not at"),
        ({"openapi": ()}, "openapi: no OpenAPI description"),
        ({"openapi": ("nowhere.yaml",)}, "openapi: 'nowhere.yaml' is not a file"),
        ({"console": "view.js"}, "console: 'view.js' is not a file"),
        ({"state": _NoSummary}, "state: _NoSummary does not define summary"),
        ({"auth": KeyAuth(keys="tokens")}, "auth.keys: the section has no list 'tokens'"),
        ({"smoke": ()}, "smoke: no call for the image probe"),
        ({"smoke": (SmokeCall("GET", "/elsewhere"),)}, "/elsewhere is under none of"),
        (
            {"actions": ActionTable([Action("ok", "x", _nothing, applies_from=frozenset({"x"}))])},
            "action 'ok' applies from x, not in the lifecycle (open, closed)",
        ),
        (
            {"section": ScenarioSection(lambda words: {"type": "array"}, lambda d, c: d)},
            "section.schema: the section's schema is not an object schema",
        ),
    ],
)
def test_each_broken_part_is_named_at_registration(fields: dict[str, Any], said: str) -> None:
    broken = minimal(**fields)
    with pytest.raises(VendorContractError) as caught, registry.register(broken):
        pass
    assert said in str(caught.value)
    assert "breaks the vendor contract" in str(caught.value)
    assert broken not in registry.vendors()


def test_every_problem_is_listed_at_once() -> None:
    found = problems(minimal(name="Bad Name", openapi=(), smoke=()))
    assert len(found) == 3


def test_a_name_or_host_taken_is_refused() -> None:
    with pytest.raises(VendorContractError, match="'hitl' is already registered"):
        check(minimal(name="hitl"), registry.vendors())
    with (
        registry.register(MINIMAL),
        pytest.raises(VendorContractError, match="already"),
        registry.register(MINIMAL),
    ):
        pass


def test_a_listed_package_must_declare_its_vendor() -> None:
    # `mockserver.kit.vendor` is a module, but declares no VENDOR
    with pytest.raises(VendorContractError, match=r"mockserver\.kit\.vendor declares no"):
        registry.declared("mockserver.kit")
