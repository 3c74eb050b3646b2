"""Start a vendor folder from the worked example (`tests/echo_vendor/`), renamed.

    python tools/new_vendor.py NAME [--title "Text moderation"] [--into mockserver/vendors]

writes `<into>/<NAME>/`: the example's declaration (`vendor.py`), lifecycle, routes, error body
and auth, store, reviewer words, `when` keys, webhook, scenario section and OpenAPI description,
with every `echo` and `Echo` in them (code, paths, headers, the section key) replaced by the new
vendor's name, and a fresh `__init__.py`. The result is a working vendor: one create call, one
read, `approve`/`reject` reviewers scripted by the scenario, a signed webhook. Then add it to
`VENDORS` in `mockserver/registry.py` (one line), run `make schema` and `make test`: the
cross-cutting suites read the registry, so they cover it with no test edited. docs/contributing.md
("Add a vendor") walks through it.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "tests" / "echo_vendor"
NAME = re.compile(r"^[a-z][a-z0-9]{1,30}$")
# The example's files a vendor folder has (its tests and fixtures stay behind).
FILES = (
    "actions.py",
    "http.py",
    "lifecycle.py",
    "matchers.py",
    "models.py",
    "openapi.yaml",
    "routes.py",
    "scenario.py",
    "state.py",
    "vendor.py",
    "webhooks.py",
)
INIT = '''"""{title}: a vendor of the sandbox, started from the worked example (tests/echo_vendor/).

The API: `POST /{name}/messages {{"text": ...}}` queues a message for review (201, `pending`);
`GET /{name}/messages/{{id}}` reads it; a reviewer `approve`s or `reject`s it, and the
scenario's `{name}.webhook` gets `message.decided`, signed `X-{cap}-Signature: sha256=<hex HMAC>`.
Each file has the role the same file name has in every `mockserver/vendors/<name>/` folder.
"""
'''


def renamed(text: str, name: str, title: str) -> str:
    """The example's text with its name, capitalised name and title replaced."""
    cap = name.capitalize()
    text = text.replace("Echo review", title)
    text = re.sub(r"\becho\b", name, text)
    return re.sub(r"\bEcho(?=[A-Z]|\b)", cap, text)


def generate(name: str, into: Path, title: str | None = None) -> list[Path]:
    """Write the vendor folder `into/name`; the files written. ValueError for a bad name or a
    folder that exists."""
    if not NAME.match(name):
        raise ValueError(f"{name!r}: a vendor name here is 2 to 31 lower-case letters and digits")
    folder = into / name
    if folder.exists():
        raise ValueError(f"{folder} exists already")
    title = title or f"{name.capitalize()} review"
    folder.mkdir(parents=True)
    written = [folder / "__init__.py"]
    written[0].write_text(INIT.format(title=title, name=name, cap=name.capitalize()))
    for file in FILES:
        text = (EXAMPLE / file).read_text(encoding="utf-8")
        target = folder / file
        target.write_text(renamed(text, name, title), encoding="utf-8")
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("name", help="the vendor's name: its folder, section key and paths")
    parser.add_argument("--title", help="its name for people (default: '<Name> review')")
    parser.add_argument(
        "--into", type=Path, default=ROOT / "mockserver" / "vendors", help="the parent folder"
    )
    args = parser.parse_args(argv)
    try:
        written = generate(args.name, args.into, args.title)
    except (ValueError, OSError) as exc:
        print(f"new_vendor: {exc}", file=sys.stderr)
        return 1
    folder = written[0].parent
    print(f"wrote {folder}/ ({len(written)} files)")
    package = (
        ".".join(folder.resolve().relative_to(ROOT).parts)
        if folder.resolve().is_relative_to(ROOT)
        else args.name
    )
    print(f"next: list it in mockserver/registry.py (from {package}.vendor import VENDOR as ...),")
    print("      then `make schema` and `make test`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
