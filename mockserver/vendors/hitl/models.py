"""HITL.sh state models: users (one per API key), loops and review requests, with their JSON.

The JSON follows the vendor's OpenAPI file (`Loop`, `Request`) and its pages beside it. Where
documents disagree, the form is a named variant (`hitl.response_by`, see `variants.py`): by
default `response_by` is the user id string (OpenAPI `Request.response_by`) and
`response_by_user` the person, as the vendor's n8n node reads it.
"""

from __future__ import annotations

import functools
import hashlib
import operator
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import orjson

from mockserver.records.clock import Timer, iso
from mockserver.scenario.model import Reviewer
from mockserver.vendors.hitl.response_model import ResponseConfig

SANDBOX_OWNER_ID = "65f1234567890abcdef10000"


@dataclass(frozen=True)
class ApiUser:
    """The account behind an API key; derived from the key so it is stable across resets."""

    key: str
    user_id: str
    api_key_id: str
    email: str

    @classmethod
    def for_key(cls, key: str) -> ApiUser:
        return user_for_key(key)


@functools.lru_cache(maxsize=1024)
def user_for_key(key: str) -> ApiUser:
    """`ApiUser.for_key` without the class method's call (every authenticated call asks)."""
    # one shared (frozen) user per key: a hash per call, and a copy per stored request, saved
    digest = hashlib.sha256(key.encode()).hexdigest()
    return ApiUser(key, digest[:24], digest[24:48], f"api-user-{digest[:6]}@example.com")


@dataclass
class Member:
    user_id: str
    email: str
    name: str
    role: str
    joined_at: float

    def to_json(self, *, detailed: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "user_id": self.user_id,
            "email": self.email,
            "status": "active",
            "joined_at": iso(self.joined_at),
        }
        if detailed:
            out.update(role=self.role, name=self.name, last_active=iso(self.joined_at))
        return out


@dataclass
class Loop:
    id: str
    name: str
    description: str
    icon: str
    creator_id: str
    created_at: float
    updated_at: float
    members: list[Member] = field(default_factory=list)
    invite_code: str = ""
    _broadcast: tuple[Member, ...] = field(default=(), repr=False, compare=False)
    _ids: frozenset[str] = field(default=frozenset(), repr=False, compare=False)
    _ids_of: tuple[Member, ...] | None = field(default=None, repr=False, compare=False)

    def broadcast(self) -> tuple[Member, ...]:
        """The members a new request is broadcast to: one tuple shared by every request made
        while they stay the same (a spam wave stores a hundred thousand requests)."""
        kept, members = self._broadcast, self.members
        if len(kept) != len(members) or not all(map(operator.is_, kept, members)):
            kept = self._broadcast = tuple(members)
        return kept

    def member_ids(self) -> frozenset[str]:
        """The user ids of the members now (one set while they stay the same: a scripted
        reviewer's every step asks whether they joined)."""
        members = self.broadcast()
        if self._ids_of is not members:
            self._ids = frozenset(m.user_id for m in members)
            self._ids_of = members
        return self._ids

    def has_member(self, user_id: str) -> bool:
        return user_id in self.member_ids()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "icon": self.icon,
            "creator_id": self.creator_id,
            "members": [m.to_json() for m in self.members],
            "member_count": len(self.members),
            "pending_count": 0,
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
        }

    def brief(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "creator_id": self.creator_id}


@dataclass(slots=True)
class HitlRequest:
    """A stored review request. Kept small (a sandbox may hold a million): slots, the request's
    fields as compact JSON bytes (`packed`, read back through `fields`), a shared owner and
    response config."""

    id: str
    loop_id: str
    owner: ApiUser
    packed: bytes | dict[str, Any]  # see pack()
    names: tuple[str, ...]
    priority: str  # also in `fields`; kept apart because list filters and sorts read it
    config: ResponseConfig
    default_response: Any
    timeout_at: float
    created_at: float
    broadcasted_to: tuple[Member, ...]
    legacy: dict[str, Any] = field(default_factory=dict)
    status: str = "pending"
    updated_at: float = 0.0
    claimed_by: Reviewer | None = None
    claimed_at: float | None = None
    response_by: Reviewer | None = None
    response_at: float | None = None
    response_data: Any = None
    cancelled_at: float | None = None
    timed_out_at: float | None = None
    previous_status: str | None = None
    feedback: dict[str, Any] | None = None
    rule: str | None = None
    timeout_timer: Timer | None = field(default=None, repr=False)
    """The timer that times it out at `timeout_at`, cancelled once it is decided (so the
    clock and the console list no plan for a finished request)."""

    @classmethod
    def new(
        cls,
        id: str,
        loop_id: str,
        owner: ApiUser,
        fields: dict[str, Any],
        names: tuple[str, ...],
        config: ResponseConfig,
        default_response: Any,
        timeout_at: float,
        created_at: float,
        broadcasted_to: tuple[Member, ...],
        legacy: dict[str, Any],
        updated_at: float,
    ) -> HitlRequest:
        """A pending request whose fields are `names`, of which `fields` holds those set (none
        None). (Made positionally, and best called so: keywords cost a few thousand
        instructions more.)"""
        default = default_response
        if isinstance(default, str) and len(default) <= 64:
            default = sys.intern(default)  # one copy of "Reject" for every stored request
        priority = sys.intern(str(fields["priority"]))
        packed = pack_set(fields, names)
        return cls(
            id,
            loop_id,
            owner,
            packed,
            names,
            priority,
            config,
            default,
            timeout_at,
            created_at,
            broadcasted_to,
            legacy,
            "pending",
            updated_at,
        )

    @property
    def fields(self) -> Mapping[str, Any]:
        """The request's fields as validated (read-only: change one with `set_field`)."""
        return MappingProxyType(unpack(self.packed, self.names))

    def field(self, key: str) -> Any:
        """One field's value (None when unset), without the read-only view of `fields`."""
        return self.values().get(key)

    def set_field(self, key: str, value: Any) -> None:
        changed = unpack(self.packed, self.names)
        changed[key] = value
        self.packed, self.names = pack(changed)
        if key == "priority":
            self.priority = str(value)

    @property
    def response_time_seconds(self) -> float | None:
        if self.response_at is None:
            return None
        return round(self.response_at - self.created_at, 3)

    def values(self) -> Mapping[str, Any]:
        """The fields set, read once (unset ones absent: read them with `.get`); not to be
        changed (`set_field` does)."""
        packed = self.packed
        return packed if isinstance(packed, dict) else orjson.loads(packed)

    def to_json(
        self,
        response_by: str = "id",
        *,
        values: Mapping[str, Any] | None = None,
        broadcast: Callable[[tuple[Member, ...]], Any] | None = None,
    ) -> dict[str, Any]:
        """The documented Request; `response_by` is the `hitl.response_by` form. `values`:
        `self.values()` when the caller has read them already; `broadcast`: what shows
        `broadcasted_to` (the webhook encoder's shared, already encoded copy)."""
        f = self.values() if values is None else values  # (read with .get: unset ones: None)
        get = f.get
        # Each time written once: a decided request's updated_at is its response_at (or its
        # claimed_at, or its created_at), and response_at is completed_at too.
        created_at = self.created_at
        created = iso(created_at)
        claimed_at = self.claimed_at
        claimed = iso(claimed_at) if claimed_at else None
        response_at = self.response_at
        answered = iso(response_at) if response_at else None
        updated_at = self.updated_at or created_at
        if updated_at == response_at and answered is not None:
            updated = answered
        elif updated_at == claimed_at and claimed is not None:
            updated = claimed
        else:
            updated = created if updated_at == created_at else iso(updated_at)
        platform = get("platform")
        if platform is None and "platform" not in self.names:
            platform = "api"  # (not among its fields at all: the documented default)
        reviewer = self.response_by
        if reviewer is None:
            shown_by = None
        elif response_by == "id" or response_by == "id_and_user":
            shown_by = reviewer.id
        else:
            shown_by = _response_by(reviewer, response_by)
        claimer = self.claimed_by
        owner = self.owner
        out: dict[str, Any] = {
            "id": self.id,
            "loop_id": self.loop_id,
            "creator_id": owner.user_id,
            "api_key_id": owner.api_key_id,
            "processing_type": get("processing_type"),
            "type": get("type"),
            "priority": get("priority"),
            "request_text": get("request_text"),
            "image_url": get("image_url"),
            "context": get("context"),
            "platform": platform,
            "platform_version": get("platform_version"),
            "response_type": self.config.response_type,
            "response_config": self.config.raw,
            "default_response": self.default_response,
            "timeout_seconds": get("timeout_seconds"),
            "timeout_at": iso(self.timeout_at),
            "callback_url": get("callback_url"),
            "broadcasted_to": (broadcast or broadcast_json)(self.broadcasted_to),
            "broadcasted_at": created,
            "status": self.status,
            "claimed_by": claimer.id if claimer is not None else None,
            "claimed_at": claimed,
            "response_by": shown_by,
            "response_at": answered,
            "completed_at": answered,
            "response_data": self.response_data,
            "response_time_seconds": None
            if response_at is None
            else round(response_at - created_at, 3),
            "created_at": created,
            "updated_at": updated,
        }
        if not f.keys().isdisjoint(_SHOWN_IF_SET):
            for key in _SHOWN_IF_SET:
                if get(key) is not None:
                    out[key] = f[key]
        if self.cancelled_at is not None:
            out["cancelled_at"] = iso(self.cancelled_at)
        if self.timed_out_at is not None:
            out["timed_out_at"] = iso(self.timed_out_at)
        if response_by == "id_and_user":
            out["response_by_user"] = _person(reviewer)
        # The older request shape (https://docs.hitl.sh/concepts/requests as of
        # hitl-sh/docs.hitl.sh @cce3de9) is returned as it was sent.
        if self.legacy:
            out.update(self.legacy)
        return out


# A request's fields shown only when set, in this order (after the documented Request's).
_SHOWN_IF_SET = (
    *("file_url", "file_type", "file_name", "video_url", "audio_url", "tags", "metadata"),
)


def broadcast_json(members: tuple[Member, ...]) -> list[dict[str, Any]]:
    """A request's `broadcasted_to`: the members it was broadcast to."""
    return [
        {
            "user_id": m.user_id,
            "email": m.email,
            "role": m.role,
            "notification_sent": True,
            "notification_error": None,
        }
        for m in members
    ]


# A request's fields: the JSON of those that are not None, and the names of all of them (one
# shared tuple per set of names), so `fields` comes back with every key, in order. Fields that
# JSON would not give back exactly (an integer beyond 64 bits, NaN, a null inside a value) are
# kept as the dict itself.
_NAMES: dict[tuple[str, ...], tuple[str, ...]] = {}


def pack(fields: Mapping[str, Any]) -> tuple[bytes | dict[str, Any], tuple[str, ...]]:
    names = tuple(fields)
    names = _NAMES.setdefault(names, names) if len(_NAMES) < 64 else names
    return pack_set({k: v for k, v in fields.items() if v is not None}, names), names


def pack_set(present: dict[str, Any], names: tuple[str, ...]) -> bytes | dict[str, Any]:
    """The fields of `names` that are set (`present`, none None) packed: their JSON, or every
    field as a dict (in the order of `names`) where JSON would not give them back exactly."""
    try:
        data = orjson.dumps(present)
    except TypeError:
        return dict.fromkeys(names) | present
    if data.find(b"null") != -1:  # (not `in`: see response_cache.json_key)
        return dict.fromkeys(names) | present
    # orjson's bytes keep their 4 KiB working buffer: keep an exact-size copy instead
    return bytes(memoryview(data))


def unpack(packed: bytes | dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    if isinstance(packed, dict):
        return dict(packed)
    out: dict[str, Any] = dict.fromkeys(names)
    out.update(orjson.loads(packed))
    return out


def _response_by(reviewer: Reviewer | None, form: str) -> Any:
    if reviewer is None:
        return None
    if form == "object":
        return _person(reviewer)
    if form == "email":
        return reviewer.email
    return reviewer.id


def _person(reviewer: Reviewer | None) -> dict[str, str] | None:
    if reviewer is None:
        return None
    return {"user_id": reviewer.id, "name": reviewer.name, "email": reviewer.email}


def person(reviewer: Reviewer | None) -> dict[str, str] | None:
    return _person(reviewer)
