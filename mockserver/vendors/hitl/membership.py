"""HITL.sh loop membership: reviewers join a loop only with its invite code
(hitl-sh/docs.hitl.sh api-reference/loops/loop-members.mdx @0e23b17), so a scripted reviewer acts
on a request only once they are an active member of its loop.

A scenario says when its reviewers join (`join:` in the `hitl:` section, a `join` step, or the
control plane); a reviewer who acts without having joined is joined on the spot in lenient mode,
with a lenience note, and refused in strict mode.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mockserver.base.errors import ApiError
from mockserver.records.lenience import Lenience
from mockserver.scenario.model import Reviewer
from mockserver.vendors.hitl.models import Loop, Member

if TYPE_CHECKING:
    from mockserver.kit.worldview import WorldView


def join(world: WorldView, loop: Loop, by: str | None) -> list[Reviewer]:
    """Reviewers join `loop` with its invite code: `by` one (e-mail, name or id), else every
    scenario reviewer. Returns who joined now."""
    if by is not None and by != "random":
        found = world.scenario.find_reviewer(by)
        if found is None:
            raise ApiError(400, f"no reviewer {by!r} in the scenario")
        people: tuple[Reviewer, ...] = (found,)
    else:
        people = world.scenario.reviewers
    now = world.clock.timestamp()
    joined = []
    for person in people:
        if not loop.has_member(person.id):
            loop.members.append(Member(person.id, person.email, person.name, "member", now))
            joined.append(person)
    return joined


# loop id -> (its member ids, the scenario's reviewers, those of them who joined)
Joined = dict[str, tuple[frozenset[str], tuple[Reviewer, ...], tuple[Reviewer, ...]]]


def acting_reviewer(
    world: WorldView,
    loop: Loop | None,
    by: str | None,
    where: str,
    strict: bool,
    kept: Joined | None = None,
) -> Reviewer:
    """The reviewer a step names (random: one who joined the loop), who must be an active
    member: lenient joins one who never did (noted), strict refuses the step. `kept` keeps,
    per loop, who of the scenario's reviewers joined while its members stay the same (not
    worked out again for every request's claim)."""
    if (by is None or by == "random") and loop is not None:
        ids = loop.member_ids()
        reviewers = world.scenario.reviewers
        known = kept.get(loop.id) if kept is not None else None
        if known is not None and known[0] is ids and known[1] is reviewers:
            joined = known[2]
        else:
            joined = tuple(r for r in reviewers if r.id in ids)
            if kept is not None:
                if len(kept) >= 1024:
                    kept.clear()
                kept[loop.id] = (ids, reviewers, joined)
        if joined:
            return world.rng.choice(joined)
    reviewer = world.reviewer(by)
    if loop is None or loop.has_member(reviewer.id):
        return reviewer
    if strict:
        raise ApiError(
            400, f"{reviewer.email} is not an active member of loop {loop.id} (join first)"
        )
    now = world.clock.timestamp()
    loop.members.append(Member(reviewer.id, reviewer.email, reviewer.name, "member", now))
    world.note_lenience(
        Lenience(
            "hitl.reviewer_auto_joined",
            "not show the request to a reviewer who has not joined the loop with its invite code",
            "hitl-sh/docs.hitl.sh api-reference/loops/loop-members.mdx @0e23b17 "
            "(members join only by invite code)",
            f"{reviewer.email} ({where or 'control plane'})",
        )
    )
    return reviewer
