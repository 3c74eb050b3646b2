"""`mockserver trigger`: act as a reviewer from a terminal, against a running sandbox.

It is a thin client of the control plane: `list` is `GET /_mockserver/items`; every other
action is `POST /_mockserver/items/{vendor}/{id}` with one step in the scenario format:

    claim ID [--by E]              {"claim": {"by": E}}                 HITL
    respond ID --choose X ...      {"respond": {"choose": X}}           HITL
    timeout ID                     "timeout"                            HITL
    decide ID --harmful spam       {"decide": {"harmful": ["spam"]}}    Outharm
    decide ID --action ban_user    {"decide": {"action": "ban_user"}}   Hive
    dismiss ID                     "dismiss"                            Hive
    act ID '{"cancel": {}}'        the step as given                    any vendor

The vendor of an item is looked up by its id unless `--vendor` is given. Its client is the one
the tests use (`mockserver.control_client`), standard library only, so it runs wherever the
package is installed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from mockserver.control_client import ControlClient, ControlError


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


def _number(text: str) -> int | float:
    try:
        return int(text)
    except ValueError:
        return float(text)


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


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `trigger` subcommand and its actions."""
    p = sub.add_parser(
        "trigger",
        help="act as a reviewer against a running sandbox",
        description="List the items waiting for review across vendors, and claim, answer, "
        "decide or time them out as a reviewer would.",
    )
    _common(p, suppress=False)
    words = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    lst = words.add_parser("list", help="items across vendors", description="Items to review.")
    lst.add_argument("--vendor", help="only this vendor (hitl, outharm, hive)")
    lst.add_argument("--status", help="only items in this status (pending, claimed, ...)")
    _common(lst, suppress=True)
    _item_parser(words, "claim", "HITL: claim a request")
    r = _item_parser(
        words, "respond", "HITL: answer a request (no answer option: a plausible random one)"
    )
    answer = r.add_mutually_exclusive_group()
    answer.add_argument("--choose", help="option value, label, part of a label, or 'random'")
    answer.add_argument("--choose-index", type=int, metavar="N", help="option by 0-based index")
    answer.add_argument(
        "--choose-many", action="append", metavar="X", help="multi_select option; repeat it"
    )
    answer.add_argument("--text", help="text answer")
    answer.add_argument("--rating", type=_number, metavar="N", help="rating answer")
    answer.add_argument("--number", type=_number, metavar="N", help="number answer")
    answer.add_argument("--boolean", choices=["true", "false"], help="boolean answer")
    _item_parser(words, "timeout", "HITL: let a request time out now (its default applies)")
    d = _item_parser(words, "decide", "Outharm or Hive: a human verdict on a queued item")
    d.add_argument(
        "--harmful",
        metavar="V",
        help="Outharm: false, true, or categories like spam,hate (default false)",
    )
    d.add_argument(
        "--action",
        dest="actions",
        action="append",
        metavar="NAME",
        help="Hive: a Dashboard action; repeatable",
    )
    d.add_argument("--note", help="Hive: a moderator note")
    dismiss = _item_parser(words, "dismiss", "Hive: leave the post up; no action fires")
    dismiss.add_argument("--note", help="a moderator note")
    act = _item_parser(words, "act", "any action, as one step in the scenario format")
    act.add_argument("step", help="JSON, e.g. '{\"cancel\": {}}' or '\"release\"'")


def _verdict(text: str) -> bool | list[str]:
    low = text.strip().lower()
    if low in ("true", "false"):
        return low == "true"
    return [part.strip() for part in text.split(",") if part.strip()]


_ANSWERS = (
    ("choose", "choose"),
    ("choose_index", "choose"),
    ("choose_many", "choose_many"),
    ("text", "text"),
    ("rating", "rating"),
    ("number", "number"),
    ("boolean", "boolean"),
)


def step_of(args: argparse.Namespace) -> Any:
    """The control-plane step (scenario format) for the parsed action; ValueError when the
    step given to `act` is not JSON."""
    if args.action == "act":
        return json.loads(args.step)
    spec: dict[str, Any] = {"by": args.by} if args.by else {}
    if args.action == "respond":
        for name, key in _ANSWERS:
            value = getattr(args, name)
            if value is not None:
                spec[key] = value == "true" if name == "boolean" else value
    elif args.action == "decide":
        if args.harmful is not None:
            spec["harmful"] = _verdict(args.harmful)
        if args.actions:
            spec["action"] = args.actions[0] if len(args.actions) == 1 else args.actions
    if args.action in ("decide", "dismiss") and args.note:
        spec["note"] = args.note
    return {args.action: spec} if spec or args.action == "respond" else args.action


def run(args: argparse.Namespace) -> int:
    """Carry out `mockserver trigger ...`; 1 (with the reason on stderr) when it fails."""
    url = args.url or f"http://127.0.0.1:{os.environ.get('MOCKSERVER_PORT') or '8080'}"
    client = ControlClient(url, args.namespace or "")
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
