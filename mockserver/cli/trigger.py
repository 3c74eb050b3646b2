"""`mockserver trigger`: act as a reviewer from a terminal, against a running sandbox.

It is a thin client of the control plane: `list` is `GET /_mockserver/items`; every other
verb is `POST /_mockserver/items/{vendor}/{id}` with one step in the scenario format. The verbs
and their options are the vendors' reviewer words and settings, as the sandbox declares them
(`GET /_mockserver/vendors`, see `trigger_verbs.py`); today, for example:

    claim ID [--by E]              "claim"                              HITL.sh
    respond ID --choose X ...      {"respond": {"choose": X}}           HITL.sh
    decide ID --harmful spam,hate  {"decide": {"harmful": ["spam", "hate"]}}  Outharm
    decide ID --action ban_user    {"decide": {"action": "ban_user"}}   Hive
    WORD ID --set key=value        {"WORD": {"key": value}}             any vendor
    act ID '{"cancel": {}}'        the step as given                    any vendor

The vendor of an item is looked up by its id unless `--vendor` is given. Its client is the one
the tests use (`mockserver.client.control`), standard library only, so it runs wherever the
package is installed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import Any

from mockserver.cli import trigger_verbs
from mockserver.cli.trigger_verbs import Verb
from mockserver.client.control import ControlClient, ControlError


class TriggerError(Exception):
    """A step that cannot be sent, or an item that cannot be found, with the reason."""


def vendor_of(client: ControlClient, item_id: str) -> str:
    """The vendor of the item `item_id` (TriggerError when none or several have it)."""
    vendors = sorted({str(i["vendor"]) for i in client.items() if i.get("id") == item_id})
    if not vendors:
        raise TriggerError(f"no item {item_id!r} (see `mockserver trigger list`)")
    if len(vendors) > 1:
        raise TriggerError(f"{item_id!r} exists for {', '.join(vendors)}: give --vendor")
    return vendors[0]


def explain(exc: ControlError) -> str:
    """A failed control-plane call as one line: the sandbox's message and its details."""
    details = "; ".join(f"{k}: {json.dumps(v)}" for k, v in exc.body.items() if v and k != "error")
    return f"{exc.message} ({details})" if details else exc.message


def _common(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    """--url, --namespace and --json, before or after the action word. After it, their
    defaults are suppressed so they do not overwrite a value given before it."""
    port = os.environ.get("MOCKSERVER_PORT") or "8080"
    unset: Any = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--url", default=unset, help=f"the sandbox (default http://127.0.0.1:{port})"
    )
    parser.add_argument(
        "--namespace", default=unset, help="act in this namespace (default: the shared one)"
    )
    parser.add_argument(
        "--json",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="print the raw JSON answer",
    )


def _item_parser(
    words: argparse._SubParsersAction[argparse.ArgumentParser], word: str, text: str
) -> argparse.ArgumentParser:
    """An action on one item: ID, --vendor, --by and the shared options."""
    p = words.add_parser(word, help=text, description=text)
    p.add_argument("id", help="the item's id (see `mockserver trigger list`)")
    p.add_argument("--vendor", help="the item's vendor (default: looked up by its id)")
    if word != "act":
        p.add_argument("--by", help="reviewer e-mail or name (default: a scenario reviewer)")
    _common(p, suppress=True)
    return p


def _default_url() -> str:
    return f"http://127.0.0.1:{os.environ.get('MOCKSERVER_PORT') or '8080'}"


def _asked(url: str, namespace: str | None) -> list[dict[str, Any]]:
    """`GET /_mockserver/vendors` of the sandbox at `url`; TriggerError when it cannot say."""
    try:
        found = ControlClient(url, namespace or "", timeout=5).request("GET", "/vendors")
    except ControlError as exc:
        raise TriggerError(explain(exc)) from None
    if not isinstance(found.get("vendors"), list):
        raise TriggerError(f"{url} did not list its vendors")
    vendors: list[dict[str, Any]] = found["vendors"]
    return vendors


def described_vendors(argv: Sequence[str]) -> list[dict[str, Any]]:
    """What the sandbox the command line names (`--url`, `--namespace`) says about its vendors;
    the vendors installed here (loaded only then) when it does not answer."""
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--url")
    pre.add_argument("--namespace")
    known, _ = pre.parse_known_args(list(argv))
    try:
        return _asked(known.url or _default_url(), known.namespace)
    except TriggerError:
        return trigger_verbs.local_vendors()


def add_parser(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], argv: Sequence[str] | None = None
) -> None:
    """The `trigger` subcommand and its verbs. The verbs are asked of the sandbox only when the
    command line is a `trigger` one (`argv`, default sys.argv), so other commands stay fast."""
    argv = sys.argv[1:] if argv is None else argv
    described = described_vendors(argv[1:]) if argv[:1] == ["trigger"] else []
    p = sub.add_parser(
        "trigger",
        help="act as a reviewer against a running sandbox",
        description="List the items waiting for review across vendors, and act on one as a "
        "reviewer would: one verb per reviewer word the sandbox's vendors declare.",
    )
    _common(p, suppress=False)
    verbs = trigger_verbs.verbs_of(described)
    for own in ("list", "act"):  # the CLI's own verbs win over a vendor word of that name
        verbs.pop(own, None)
    p.set_defaults(verbs=verbs)
    words = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    names = ", ".join(str(v["name"]) for v in described) or "see GET /_mockserver/vendors"
    lst = words.add_parser("list", help="items across vendors", description="Items to review.")
    lst.add_argument("--vendor", help=f"only this vendor ({names})")
    statuses = dict.fromkeys(str(s) for v in described for s in v.get("statuses") or [])
    lst.add_argument(
        "--status",
        help="only items in these statuses, comma-separated: 'waiting' (what waits for a "
        f"reviewer, at every vendor) or the vendors' own ({', '.join(statuses) or 'e.g. pending'})",
    )
    _common(lst, suppress=True)
    trigger_verbs.add_verbs(words, verbs, _item_parser)
    act = _item_parser(words, "act", "any action, as one step in the scenario format")
    act.add_argument("step", help="JSON, e.g. '{\"cancel\": {}}' or '\"release\"'")


def step_of(args: argparse.Namespace) -> Any:
    """The control-plane step (scenario format) for the parsed verb; ValueError when the step
    given to `act` is not JSON."""
    if args.action == "act":
        return json.loads(args.step)
    verbs: dict[str, Verb] = args.verbs
    return trigger_verbs.step_of(args, verbs)


def run(args: argparse.Namespace) -> int:
    """Carry out `mockserver trigger ...`; 1 (with the reason on stderr) when it fails."""
    client = ControlClient(args.url or _default_url(), args.namespace or "")
    try:
        if args.action == "list":
            items = client.items(args.vendor, args.status)
            print(json.dumps(items, indent=2) if args.json else _table(items))
            return 0
        try:
            step = step_of(args)
        except ValueError as exc:
            raise TriggerError(f"the step is not JSON: {exc}") from None
        vendor = args.vendor or vendor_of(client, args.id)
        result = client.act(vendor, args.id, step)
    except ControlError as exc:
        print(f"mockserver trigger: {explain(exc)}", file=sys.stderr)
        return 1
    except TriggerError as exc:
        print(f"mockserver trigger: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"{vendor} {args.id}: {result.get('status', 'done')}")
        if result.get("response_data") is not None:
            print(f"answer: {json.dumps(result['response_data'], ensure_ascii=False)}")
    return 0


def _table(items: list[dict[str, Any]]) -> str:
    if not items:
        return "no items"
    rows = [("VENDOR", "ID", "STATUS", "TYPE", "SUMMARY")]
    for item in items:
        summary = str(item.get("summary", ""))
        if item.get("options"):
            summary += "  [" + " | ".join(map(str, item["options"])) + "]"
        kind = str(item.get("response_type") or item.get("kind") or "")
        rows.append((item["vendor"], str(item.get("id")), str(item.get("status")), kind, summary))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    return "\n".join(
        "  ".join([*(row[i].ljust(widths[i]) for i in range(4)), row[4]]).rstrip() for row in rows
    )
