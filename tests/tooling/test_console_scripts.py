"""The reviewer console shows what it is sent (request texts, submission values, post ids) as
text, never as markup: no script of the page, nor any vendor's view of its items, may insert
HTML. Every way of doing so is refused here, in every file the page loads (issue 25: an Outharm
component inserted with `innerHTML` had passed the whole suite)."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from mockserver.http.control.console import FILES
from mockserver.registry import vendors

# Each way a script turns a string into markup or code, with what to use instead.
FORBIDDEN = {
    r"\binnerHTML\b": "innerHTML",
    r"\bouterHTML\b": "outerHTML",
    r"\binsertAdjacentHTML\b": "insertAdjacentHTML",
    r"\bdocument\s*\.\s*write(ln)?\b": "document.write",
    r"\bcreateContextualFragment\b": "createContextualFragment",
    r"\bDOMParser\b": "DOMParser",
    r"\bsrcdoc\b": "srcdoc",
    r"\beval\s*\(": "eval",
    r"\bnew\s+Function\b": "new Function",
    r"\bsetAttribute\(\s*[\"'`]on": "an event handler attribute",
}
# In the page itself: no inline script or handler (the Content-Security-Policy forbids them too).
FORBIDDEN_IN_HTML = {r"<script(?![^>]*\bsrc=)[^>]*>": "an inline script", r"\son\w+\s*=": "on…="}


def forbidden(text: str, patterns: dict[str, str] = FORBIDDEN) -> list[str]:
    """What `text` uses of the forbidden ways, with its line numbers."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        for pattern, name in patterns.items():
            if re.search(pattern, line):
                found.append(f"line {number}: {name}")
    return found


def page_scripts() -> dict[str, str]:
    """Every script the console loads: its own files and each vendor's view."""
    scripts = {
        name: resources.files("mockserver.http").joinpath("console", name).read_text("utf-8")
        for name, kind in FILES.items()
        if kind == "text/javascript"
    }
    for vendor in vendors():
        view = vendor.console_view()
        if view is not None:
            scripts[f"vendors/{vendor.name}/console.js"] = view.read().decode("utf-8")
    return scripts


def test_every_vendor_with_a_view_is_checked() -> None:
    checked = page_scripts()
    assert {"console.js", "panels.js", "parts.js", "views.js", "api.js"} <= set(checked)
    assert {f"vendors/{v.name}/console.js" for v in vendors()} <= set(checked)


@pytest.mark.parametrize("name", sorted(page_scripts()))
def test_no_script_inserts_markup(name: str) -> None:
    assert forbidden(page_scripts()[name]) == [], f"{name}: text must go in as text (el())"


def test_the_page_has_no_inline_script_or_handler() -> None:
    html = resources.files("mockserver.http").joinpath("console", "index.html").read_text("utf-8")
    assert forbidden(html, FORBIDDEN_IN_HTML) == []


@pytest.mark.parametrize(
    "line",
    [
        "node.innerHTML = item.text;",
        "card.outerHTML = `<p>${value}</p>`;",
        'list.insertAdjacentHTML("beforeend", row);',
        "document.write(summary)",
        "range.createContextualFragment(html)",
        "new DOMParser().parseFromString(x, 'text/html')",
        "frame.srcdoc = body",
        "eval(code)",
        "const f = new Function(body)",
        "img.setAttribute('onerror', handler)",
    ],
)
def test_the_check_finds_each_way(line: str) -> None:
    assert forbidden(f"// fine\n{line}\n") == [f"line 2: {forbidden(line)[0].split(': ')[1]}"]
    assert forbidden('el("p", { className: "text" }, item.text)') == []
