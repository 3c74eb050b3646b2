"""HITL.sh reviewer words: what a scripted or manual reviewer can do to a review request.

One table (`mockserver/kit/actions.py`) gives each word its settings, the request statuses it
applies from (with the message the real service answers when it does not: the statuses of the
OpenAPI's `Request.status`, the message of api-reference/requests/cancel-request.mdx) and a
handler calling the state's lifecycle methods; the core derives from it the scenario words,
the control plane's `act`, the `actions` each request offers and the "step skipped" problems.

`join` is aimed at a loop: its target is a request (the request's loop) or a loop by id or
invite code (what a reviewer types in the app; api-reference/loops/loop-members.mdx).

Pages cited by path, the OpenAPI file (api-reference/openapi.json) included, are in
github.com/hitl-sh/docs.hitl.sh @0e23b17.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from mockserver.kit.actions import Action, ActionTable, ItemStore
from mockserver.kit.lifecycle import WAITING
from mockserver.scenario.steps import Step
from mockserver.vendors.hitl.models import HitlRequest, Loop

if TYPE_CHECKING:
    from mockserver.scenario.model import Reviewer


class RequestStore(ItemStore, Protocol):
    """What the words do to the store (`state.HitlState`, which imports this table and is
    checked against this protocol there): its lifecycle methods."""

    @property
    def last_joined(self) -> list[Reviewer]: ...

    def loop_of(self, req: HitlRequest) -> Loop | None: ...

    def loop_by_ref(self, ref: str) -> Loop | None: ...

    def join(self, loop: Loop, by: str | None) -> list[Reviewer]: ...

    def claim(self, req: HitlRequest, by: str | None, where: str = "") -> None: ...

    def respond(self, req: HitlRequest, answer: Any, by: str | None, where: str = "") -> None: ...

    def answer(self, req: HitlRequest, spec: Mapping[str, Any]) -> Any: ...

    def expire(self, req: HitlRequest) -> None: ...

    def cancel(self, req: HitlRequest) -> None: ...

    def release(self, req: HitlRequest) -> None: ...


# Settings of a `respond` step: one key names the answer (`answers.answer_from_spec`).
ANSWER_SETTINGS: dict[str, Any] = {
    "choose": {
        "description": "option by value, label or 0-based index, or 'random'",
        "anyOf": [{"type": "string"}, {"type": "integer", "minimum": 0}],
    },
    "choose_many": {
        "description": "multi_select: list of options (value, label or index), or 'random'",
        "anyOf": [
            {"type": "string", "enum": ["random"]},
            {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
        ],
    },
    "text": {"type": "string", "description": "text answer"},
    "number": {"type": "number", "description": "number answer"},
    "rating": {"type": "number", "description": "rating answer"},
    "boolean": {"type": "boolean", "description": "boolean answer"},
    "random": {"type": "boolean", "description": "a plausible seeded random answer"},
}


def _claim(state: RequestStore, req: HitlRequest, step: Step) -> None:
    state.claim(req, step.by, step.where)


def _join(state: RequestStore, target: HitlRequest | Loop, step: Step) -> None:
    loop = target if isinstance(target, Loop) else state.loop_of(target)
    if loop is not None:
        state.join(loop, step.by)


def _joined(state: RequestStore, target: HitlRequest | Loop) -> dict[str, Any]:
    """A loop joined by id or invite code: the loop with who joined now; a request: itself."""
    if isinstance(target, Loop):
        return {**target.to_json(), "joined": [r.email for r in state.last_joined]}
    return ACTIONS.describe(state, target)


def _respond(state: RequestStore, req: HitlRequest, step: Step) -> None:
    state.respond(req, state.answer(req, step.args), step.by, step.where)


def _timeout(state: RequestStore, req: HitlRequest, step: Step) -> None:
    if step.after == 0 and not step.manual:
        return  # plain scripted `timeout`: nobody answers, the request expires at its timeout_at
    state.expire(req)


def _cancel(state: RequestStore, req: HitlRequest, step: Step) -> None:
    state.cancel(req)


def _release(state: RequestStore, req: HitlRequest, step: Step) -> None:
    state.release(req)


ACTIONS = ActionTable(
    [
        Action(
            "claim",
            "a reviewer claims the request (status claimed, request.claimed webhook)",
            _claim,
            applies_from=frozenset({"pending"}),
            refusal=lambda _req, status: f"Request cannot be claimed in current state ({status})",
        ),
        Action(
            "join",
            "reviewers join the loop with its invite code (`by` one; else every reviewer)",
            _join,
            find=lambda state, ref: state.loop_by_ref(ref),
            result=_joined,
            listed=False,  # aimed at the loop, not at the request
            missing=lambda _ref: "No loop or request found with that id or invite code",
        ),
        Action(
            "respond",
            "a reviewer answers (status completed, request.completed webhook)",
            _respond,
            schema=ANSWER_SETTINGS,
            applies_from=WAITING,
            refusal=lambda _req, _status: "Request is no longer pending",
        ),
        Action(
            "timeout",
            "the request times out, with its default_response: by hand (trigger, console, "
            "control API) now; in a scenario, alone, at its timeout_at (nobody answers), "
            "with `after`, then",
            _timeout,
            applies_from=WAITING,
            refusal=lambda _req, status: f"Request cannot time out in current state ({status})",
        ),
        Action(
            "cancel",
            "the request is cancelled",
            _cancel,
            applies_from=WAITING,  # `hitl.cancel_rule` pending_only: the state refuses claimed too
            refusal=lambda _req, _status: "Request cannot be cancelled in current state",
        ),
        Action(
            "release",
            "the claiming reviewer gives the request back (claimed -> pending)",
            _release,
            applies_from=frozenset({"claimed"}),
            refusal=lambda _req, _status: "Only a claimed request can be released",
        ),
    ],
    kind="request",
    missing=lambda _id: "Request not found",
)
