"""The vendor-neutral variant registry: shapes, matching, selections, the plugin's grid."""

from __future__ import annotations

import itertools
import json
import logging

import pytest

from mockserver.kit.variants import (
    MERGED,
    Form,
    Shape,
    Variant,
    VariantError,
    VariantRegistry,
    lookup,
    match_forms,
    parse_assignments,
)
from mockserver.testing.matrix import pairwise

from .conftest import AUTH, MakeClient

ID = Variant(
    "acme.id",
    "where the id is",
    "a created answer",
    (
        Form("flat", "docs A", "data.id", Shape(has=("data.id",), lacks=("data.item",))),
        Form("nested", "docs B", "data.item.id", Shape(has=("data.item.id",), lacks=("data.id",))),
        Form(MERGED, "sandbox", "both", Shape(has=("data.id", "data.item.id"))),
    ),
    default="nested",
)
SIG = Variant(
    "acme.sig",
    "signature",
    "webhook headers",
    (
        Form("hex", "docs", "X-Sig: sha256=", Shape(prefix={"headers.X-Sig": "sha256="})),
        Form("none", "docs", "no header", Shape(lacks=("headers.X-Sig",))),
    ),
    default="hex",
)


def test_lookup_walks_keys_lists_and_headers_without_case() -> None:
    doc = {"status": [{"response": {"n": 1}}], "headers": {"x-sig": "sha256=ab"}}
    assert lookup(doc, "status.0.response.n") == 1
    assert lookup(doc, "headers.X-Sig") == "sha256=ab"
    assert lookup(doc, "status.1.response") is not None  # the absent sentinel, not None
    assert lookup(doc, "status.1.response") is lookup(doc, "nope")


def test_match_forms_names_the_one_form_or_merged() -> None:
    assert match_forms(ID, {"data": {"id": "x"}}) == ["flat"]
    assert match_forms(ID, {"data": {"item": {"id": "x"}}}) == ["nested"]
    assert match_forms(ID, {"data": {"id": "x", "item": {"id": "x"}}}) == [MERGED]
    assert match_forms(ID, {"data": {}}) == []
    assert match_forms(SIG, {"headers": {"x-sig": "sha256=00"}}) == ["hex"]
    assert match_forms(SIG, {"headers": {}}) == ["none"]


def test_registry_selection_layers_and_suggestions() -> None:
    registry = VariantRegistry([ID, SIG])
    chosen = registry.selection({"acme.id": "flat"}, {"acme.sig": "none"})
    assert chosen.as_dict() == {"acme.id": "flat", "acme.sig": "none"}
    assert registry.selection().form("acme.id") == "nested"
    with pytest.raises(VariantError, match=r"did you mean 'acme\.sig'"):
        registry.selection({"acme.sgi": "hex"})
    with pytest.raises(VariantError, match=r"unknown form 'nestd'.*did you mean 'nested'"):
        registry.selection({"acme.id": "nestd"})
    schema = registry.schema()
    assert schema["properties"]["acme.id"]["enum"] == ["flat", "nested", MERGED]


def test_a_default_must_be_a_documented_form_never_merged() -> None:
    with pytest.raises(ValueError, match="must be a documented form"):
        Variant("acme.x", "x", "x", ID.forms, default=MERGED)


def test_assignments_from_flags_and_variables() -> None:
    assert parse_assignments("a.b=c, d.e=f") == {"a.b": "c", "d.e": "f"}
    assert parse_assignments(["a.b=c"]) == {"a.b": "c"}
    with pytest.raises(VariantError, match=r"expected vendor\.name=form"):
        parse_assignments("a.b")


def test_pairwise_covers_every_pair_with_fewer_cases_than_the_product() -> None:
    axes = [(f"v{i}", ["a", "b", "c"]) for i in range(6)]
    cases = pairwise(axes)
    assert len(cases) < 3**6 and len(cases) <= 20
    for (x, xs), (y, ys) in itertools.combinations(axes, 2):
        for fx, fy in itertools.product(xs, ys):
            assert any(c[x] == fx and c[y] == fy for c in cases), (x, fx, y, fy)


async def test_serve_logs_each_lenience_rule_once_per_server(
    sandbox: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    client = await sandbox("hitl: {loops: [{id: 65f1234567890abcdef12345, name: T}]}\n")
    caplog.set_level(logging.INFO, logger="mockserver.lenience")
    for namespace in ("", "", "other"):  # a second call, and another namespace's world
        resp = await client.post(
            "/v1/api/loops/65f1234567890abcdef12345/requests",
            json={"request_text": "no response type"},
            headers={**AUTH, "X-Mockserver-Namespace": namespace},
        )
        assert resp.status == 201
    logged = [r.getMessage() for r in caplog.records if r.name == "mockserver.lenience"]
    assert logged == [
        "lenience hitl.validation: response_type is required: accepted here; the real service "
        "would answer 400 Validation failed: response_type is required "
        "(hitl-sh/docs.hitl.sh api-reference/requests/create-request.mdx, "
        "api-reference/openapi.json CreateRequestRequest @0e23b17)"
    ]
    report = await (await client.get("/_mockserver/lenience")).json()
    assert [(r["count"], r["first_call"]["seq"]) for r in report["rules"]] == [(2, 1)]


def test_the_variants_command_lists_every_form_with_its_source_and_default(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from mockserver.cli.main import main
    from mockserver.http.world import variant_registry
    from mockserver.registry import VENDORS

    assert main(["variants", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    registry = variant_registry(VENDORS)
    assert [v["name"] for v in listed] == registry.names()
    assert all(f["source"] for v in listed for f in v["forms"])
    assert main(["variants"]) == 0
    text = capsys.readouterr().out
    assert "hitl.webhook_body: the body of a request webhook" in text
    assert "  * A: `{event, timestamp, data: {request, loop, reviewer}}`" in text
    # form A's source: a page of hitl-sh/docs.hitl.sh at its newest commit (@6bcdeba) and @0e23b17
    assert "      source: hitl-sh/docs.hitl.sh api-reference/webhooks.mdx (its newest" in text
    # each default says what decided it
    assert all(v["evidence"] for v in listed if v["name"].startswith("hitl."))
    assert "    default decided by: the vendor's integrations disagree" in text
