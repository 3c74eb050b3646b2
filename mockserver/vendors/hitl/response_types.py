"""HITL.sh response types: the one import point for config parsing and answer handling.

The work is split across modules, each importable on its own:
- `response_model`: the `ResponseConfig` dataclass and which keys make a config "structured";
- `response_config`: `parse_response_config` (legacy and structured forms); its docstring lists
  the rules applied only in strict mode;
- `answers`: scripted answer specs (`choose`, `rating`, `random: true`, ...), plus re-exports;
- `answer_checks`: reviewer-submitted `response_data`, `default_response` (the docstring of
  `check_default_response` lists the lenient relaxations) and rendering answers in the
  request's own form.
"""

from __future__ import annotations

from mockserver.vendors.hitl.answers import (
    ANSWER_KEYS,
    answer_from_spec,
    check_default_response,
    fits_spec,
    format_number,
    rating_label,
    render_answer,
    validate_response_data,
)
from mockserver.vendors.hitl.response_config import parse_response_config
from mockserver.vendors.hitl.response_model import (
    RESPONSE_TYPES,
    ConfigForm,
    ResponseConfig,
    SelectOption,
    config_error,
    describe_options,
)

__all__ = [
    "ANSWER_KEYS",
    "RESPONSE_TYPES",
    "ConfigForm",
    "ResponseConfig",
    "SelectOption",
    "answer_from_spec",
    "check_default_response",
    "config_error",
    "describe_options",
    "fits_spec",
    "format_number",
    "parse_response_config",
    "rating_label",
    "render_answer",
    "validate_response_data",
]
