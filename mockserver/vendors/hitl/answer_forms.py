"""The `hitl.response_data` variant: an answer re-shaped into the scalar form (the API
reference, OpenAPI examples, the seed quickstart: `"Approve"`) or the structured form (the
response-type pages, the live webhooks page: `{"selected_value": ..., "selected_label": ...}`).
`as_configured` (the default) leaves the form the request's config used: string options give
the scalar the quickstart reads, option objects the structured answer their pages document.
"""

from __future__ import annotations

from typing import Any

from mockserver.vendors.hitl.answer_checks import format_number, rating_label
from mockserver.vendors.hitl.response_model import ResponseConfig

_KEYS = {
    "single_select": "selected_value",
    "multi_select": "selected_values",
    "rating": "rating",
    "number": "number",
    "boolean": "boolean",
}


def reshape(cfg: ResponseConfig, data: Any, form: str) -> Any:
    """`data` (an answer in the config's form) in `form`: scalar, structured or as_configured."""
    kind = cfg.response_type
    if form == "as_configured" or kind not in _KEYS or data is None:
        return data
    structured = isinstance(data, dict)
    if form == "scalar":
        return data.get(_KEYS[kind]) if structured else data
    if structured:
        return data
    return _structured(cfg, data)


def _label(cfg: ResponseConfig, value: Any) -> str:
    return next((o.label for o in cfg.options if o.value == value), str(value))


def _structured(cfg: ResponseConfig, data: Any) -> Any:
    kind = cfg.response_type
    if kind == "single_select":
        return {"selected_value": data, "selected_label": _label(cfg, data)}
    if kind == "multi_select":
        values = list(data) if isinstance(data, list) else [data]
        return {"selected_values": values, "selected_labels": [_label(cfg, v) for v in values]}
    if kind == "rating":
        return {"rating": data, "rating_label": rating_label(cfg, data)}
    if kind == "number":
        return {"number": data, "formatted_value": format_number(cfg, data)}
    label = cfg.true_label if data else cfg.false_label
    return {"boolean": data, "boolean_label": label}
