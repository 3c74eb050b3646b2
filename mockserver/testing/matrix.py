"""The variant matrix of the pytest plugin: which forms each test runs with.

`@pytest.mark.mockserver_variants("hitl.webhook_body", ...)` runs a test once per documented
form of each named variant (every combination, pairwise when there are many);
`--mockserver-variants=all` (or a comma-separated list of names) does so for every test that
uses the sandbox. `merged` forms are left out: a client that reads any one form passes them.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mockserver.kit.variants import VariantRegistry

MARKER = "mockserver_variants"
FULL_GRID_LIMIT = 16
"""Above this many combinations a grid is reduced to pairwise coverage."""

Case = dict[str, str]


@cache
def registry() -> VariantRegistry:
    """The variants the installed vendors declare (the same code a sandbox runs)."""
    from mockserver.http.world import variant_registry
    from mockserver.registry import vendors

    return variant_registry(vendors())


def forms_of(name: str) -> list[str]:
    variant = registry().get(name)  # VariantError names the closest variant
    return [f for f in variant.form_names if f != "merged"]


def names_for(option: str | None, marked: Iterable[str]) -> list[str]:
    """The variants a test runs across: those its marker names, plus the option's."""
    names = list(dict.fromkeys(marked))
    if option:
        wanted = registry().names() if option == "all" else option.replace(",", " ").split()
        names += [n for n in wanted if n not in names]
    return names


def cases(names: Sequence[str]) -> list[Case]:
    """Every combination of the forms of `names`, or a pairwise cover when there are more
    than FULL_GRID_LIMIT (each pair of forms of two variants appears in some case)."""
    axes = [(name, forms_of(name)) for name in names]
    size = 1
    for _, forms in axes:
        size *= len(forms)
    if size <= FULL_GRID_LIMIT:
        return [
            dict(zip(names, combo, strict=True))
            for combo in itertools.product(*(f for _, f in axes))
        ]
    return pairwise(axes)


def pairwise(axes: Sequence[tuple[str, Sequence[str]]]) -> list[Case]:
    """A small set of cases covering every pair of forms of every two variants (greedy: each
    case picks, variant by variant, the form that covers the most pairs still uncovered)."""
    uncovered: set[tuple[str, str, str, str]] = set()
    for (a, forms_a), (b, forms_b) in itertools.combinations(axes, 2):
        uncovered |= {(a, fa, b, fb) for fa in forms_a for fb in forms_b}
    out: list[Case] = []
    while uncovered:
        case: Case = {}
        for name, forms in axes:
            case[name] = max(forms, key=lambda form: _gain(uncovered, case, name, form))
        covered = {p for p in uncovered if case[p[0]] == p[1] and case[p[2]] == p[3]}
        if not covered:  # a greedy pick always covers a pair; never loop without progress
            break
        uncovered -= covered
        out.append(case)
    return out or [{name: forms[0] for name, forms in axes}]


def _gain(uncovered: set[tuple[str, str, str, str]], case: Case, name: str, form: str) -> int:
    """Uncovered pairs that choosing `form` for `name` covers or keeps possible."""
    return sum(
        1
        for (a, fa, b, fb) in uncovered
        if (a == name and fa == form and case.get(b, fb) == fb)
        or (b == name and fb == form and case.get(a, fa) == fa)
    )


def case_id(case: Case) -> str:
    return ",".join(f"{name}={form}" for name, form in case.items())


def describe(case: Case) -> str:
    """Each form with the document that shows it, for a failure report."""
    lines = []
    for name, form in case.items():
        variant = registry().get(name)
        lines.append(f"{name}={form}: {variant.form(form).description}")
        lines.append(f"    source: {variant.form(form).source}")
    return "\n".join(lines)
