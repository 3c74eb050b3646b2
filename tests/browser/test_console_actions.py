"""Every button of every vendor's view, clicked in Chromium, and the item's new state read back
through the control plane; hostile text in every vendor's view shown as text; and what a QA
engineer noticed on the page (issue 25): detail rows that keep the table readable, no stale
plan on a decided item, a readable verdict, an image's address when it does not load, the
section links in reach, problems in red, the ready-made scenarios in the scenario switch.

A button that posts the wrong word ("Time out now" sending `cancel`, "Dismiss" sending
`decide`) leaves the item in another status than the one checked here; markup slipped into a
view leaves elements the checks find and text that differs from what was sent.
"""

from __future__ import annotations

from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.select import Select

from .conftest import SCHEMA_ID, Api
from .test_console import card, choose, click, press, wait_for, waiting

HOSTILE = '<img src=x onerror="window.pwned = 1"><script>window.pwned = 2</script>&amp; "quoted"'
OFFLINE = "http://127.0.0.1:9/offline.png"  # nothing listens: the image never loads
HOSTILE_URL = f"https://example.com/x.png?{HOSTILE}"


def state(api: Api, vendor: str, item_id: str) -> dict[str, Any]:
    """The item as the control plane lists it (every namespace)."""
    items = api.control("GET", "/items", params={"all": "1", "vendor": vendor}).json()["items"]
    (item,) = [i for i in items if i["id"] == item_id]
    return dict(item)


def settled(page: webdriver.Chrome, api: Api, vendor: str, item_id: str, status: str) -> Any:
    """The item once the page shows it in `status`, as the control plane has it then."""
    card(page, vendor, item_id, status)
    found = state(api, vendor, item_id)
    assert found["status"] == status
    return found


def outharm(api: Api, content: dict[str, list[str]]) -> str:
    made = api.http.post(
        f"{api.url}/moderation/manual",
        json={"schema_id": SCHEMA_ID, "content": content},
        headers={"Authorization": "Bearer om-token"},
    )
    assert made.status_code == 200, made.text
    submission: str = made.json()["submission_id"]
    return submission


def hive(api: Api, text: str, post: str = "p1", user: str = "u1") -> str:
    made = api.http.post(
        f"{api.url}/api/v1/task/sync",
        json={"patron_id": user, "post_id": post, "text_data": text},
        headers={"Authorization": "token hive-key"},
    )
    assert made.status_code == 200, made.text
    task: str = made.json()["task_id"]
    return task


def assert_no_markup(page: webdriver.Chrome) -> None:
    assert page.execute_script("return window.pwned") is None
    injected = "#items script, #items [onerror], #items img[src='x'], #items a[href^='javascript']"
    assert page.find_elements(By.CSS_SELECTOR, injected) == []


# -- HITL.sh --------------------------------------------------------------------------------------
def test_every_hitl_button_moves_the_request_where_it_says(
    page: webdriver.Chrome, api: Api
) -> None:
    wait_for(page, "#live.ok")
    claim, release, time_out, cancel = (api.hitl_request(f"Request {n}") for n in range(4))
    api.control("POST", f"/items/hitl/{release}", json={"claim": {"by": "dana@example.com"}})

    click(card(page, "hitl", claim, "pending"), "Claim")
    assert settled(page, api, "hitl", claim, "claimed")["claimed_by"]
    click(card(page, "hitl", release, "claimed"), "Release")
    assert settled(page, api, "hitl", release, "pending")["claimed_by"] is None
    click(card(page, "hitl", time_out, "pending"), "Time out now")
    timed_out = settled(page, api, "hitl", time_out, "timeout")
    assert timed_out["default_response"] == "Reject" and timed_out["next"] == []
    click(card(page, "hitl", cancel, "pending"), "Cancel request")
    assert settled(page, api, "hitl", cancel, "cancelled")["next"] == []


ANSWERS: list[tuple[str, dict[str, Any], Any]] = [
    ("single_select", {"options": ["Approve", "Reject"]}, "Reject"),
    ("multi_select", {"options": ["a", "b", "c"]}, ["a", "c"]),
    ("rating", {"scale_min": 1, "scale_max": 5}, {"rating": 4, "rating_label": None}),
    ("number", {}, 2.5),
    ("boolean", {}, False),
    ("text", {}, "fine by me"),
]


def _answerable(kind: str, config: dict[str, Any]) -> dict[str, Any]:
    """The fields of a request of this kind (a default response only where it is an option)."""
    default = "Reject" if kind == "single_select" else None
    return {"response_type": kind, "response_config": config, "default_response": default}


def _fill(form: WebElement, kind: str) -> None:
    if kind == "single_select":
        choose(form, "Reject")
    elif kind == "multi_select":
        choose(form, "a")
        choose(form, "c")
    elif kind in ("rating", "number"):
        form.find_element(By.CSS_SELECTOR, "input[type='number']").send_keys(
            "4" if kind == "rating" else "2.5"
        )
    elif kind == "boolean":
        choose(form, "No")
    else:
        form.find_element(By.TAG_NAME, "textarea").send_keys("fine by me")


def test_every_answer_form_sends_the_answer_given(page: webdriver.Chrome, api: Api) -> None:
    wait_for(page, "#live.ok")
    made = [
        (kind, answer, api.hitl_request(f"Kind {kind}", **_answerable(kind, cfg)))
        for kind, cfg, answer in ANSWERS
    ]
    for kind, answer, request_id in made:
        item = card(page, "hitl", request_id, "pending")
        _fill(item, kind)
        click(item, "Send answer")
        done = settled(page, api, "hitl", request_id, "completed")
        assert done["response_data"] == answer, kind
        # a decided request has no plan left: on its card, and on the clock
        assert "Decided: nothing left to happen." in card(page, "hitl", request_id).text
        assert done["next"] == []
    waiting(page).until(
        lambda d: (
            not [
                row
                for row in d.find_elements(By.CSS_SELECTOR, "#timers-body tr")
                if any(request_id in row.text for _, _, request_id in made)
            ]
        )
    )


# -- Outharm -------------------------------------------------------------------------------------
def test_every_outharm_button_decides_the_submission_as_it_says(
    page: webdriver.Chrome, api: Api
) -> None:
    wait_for(page, "#live.ok")
    judged = outharm(api, {"title": ["Cheap pills, buy now"], "images": [OFFLINE]})
    agreed = outharm(api, {"title": ["A calm post"]})

    item = card(page, "outharm", judged, "queued")
    # an image that does not load still says where it points
    assert item.find_element(By.CSS_SELECTOR, "figure.image figcaption").text == OFFLINE
    buttons = [b.text for b in item.find_elements(By.TAG_NAME, "button")]
    assert "Agree with automated scoring" in buttons and "Uphold previous verdict" not in buttons
    title = item.find_elements(By.TAG_NAME, "fieldset")[0]
    choose(title, "Harmful")
    title.find_element(By.CSS_SELECTOR, "input[type='text']").send_keys("spam")
    click(item, "Send verdict")
    result = settled(page, api, "outharm", judged, "completed")["result"]["results"]
    assert result["title"]["detailed"] == [{"is_harmful": True, "categories": ["spam"]}]
    assert result["images"]["is_harmful"] is False
    verdict = card(page, "outharm", judged, "completed").find_element(By.CSS_SELECTOR, ".facts")
    assert "harmful: title (spam) · not harmful: images" in verdict.text
    assert "{" not in verdict.text  # a reviewer's words, not JSON

    # a first review: "agree" takes automated scoring's verdict (nothing harmful here)
    click(card(page, "outharm", agreed, "queued"), "Agree with automated scoring")
    result = settled(page, api, "outharm", agreed, "completed")["result"]
    assert result["is_harmful"] is False

    # an appeal: "uphold" repeats the previous verdict
    appealed = api.http.post(
        f"{api.url}/submissions/{judged}/moderation/manual",
        headers={"Authorization": "Bearer om-token"},
    )
    assert appealed.status_code == 200, appealed.text
    item = card(page, "outharm", judged, "queued")
    waiting(page).until(lambda _d: "Uphold previous verdict" in item.text)
    click(item, "Uphold previous verdict")
    upheld = settled(page, api, "outharm", judged, "completed")
    assert upheld["appeal"] is True
    assert upheld["result"]["results"]["title"]["detailed"] == [
        {"is_harmful": True, "categories": ["spam"]}
    ]


# -- Hive ----------------------------------------------------------------------------------------
def test_every_hive_button_closes_the_review_as_it_says(page: webdriver.Chrome, api: Api) -> None:
    wait_for(page, "#live.ok")
    acted, dismissed = hive(api, "you idiot", "p1"), hive(api, "idiot again", "p2")
    item = card(page, "hive", acted, "pending")
    choose(item, "ban_user")
    item.find_element(By.CSS_SELECTOR, "input[type='text']").send_keys("banned for abuse")
    click(item, "Take action")
    review = settled(page, api, "hive", acted, "decided")["review"]
    assert (review["actions"], review["note"]) == (["ban_user"], "banned for abuse")
    click(card(page, "hive", dismissed, "pending"), "Dismiss")
    assert settled(page, api, "hive", dismissed, "dismissed")["review"]["actions"] == []


# -- hostile text -----------------------------------------------------------------------------
def test_hostile_text_is_text_in_every_vendors_view(page: webdriver.Chrome, api: Api) -> None:
    wait_for(page, "#live.ok")
    request_id = api.hitl_request(
        HOSTILE,
        response_config={"options": [HOSTILE, "Reject"]},
        context={"note": HOSTILE},
    )
    submission = outharm(api, {"title": [HOSTILE], "images": [HOSTILE_URL]})
    task = hive(api, f"idiot {HOSTILE}", post=HOSTILE, user=HOSTILE)

    hitl_card = card(page, "hitl", request_id, "pending")
    assert hitl_card.find_element(By.CSS_SELECTOR, ".content .text").text == HOSTILE
    labels = [label.text for label in hitl_card.find_elements(By.CSS_SELECTOR, "form label")]
    assert HOSTILE in labels
    assert HOSTILE in hitl_card.find_element(By.CSS_SELECTOR, ".facts").text  # its context

    outharm_card = card(page, "outharm", submission, "queued")
    texts = [p.text for p in outharm_card.find_elements(By.CSS_SELECTOR, ".content .text")]
    assert texts == [HOSTILE]
    caption = outharm_card.find_element(By.CSS_SELECTOR, "figure.image figcaption").text
    assert caption == HOSTILE_URL  # its address, as text

    hive_card = card(page, "hive", task, "pending")
    assert hive_card.find_element(By.CSS_SELECTOR, ".content .text").text == f"idiot {HOSTILE}"
    facts = hive_card.find_element(By.CSS_SELECTOR, ".facts").text
    assert facts.count(HOSTILE) == 2  # post and user
    assert_no_markup(page)


# -- the rest of the page --------------------------------------------------------------------
def _column_widths(page: webdriver.Chrome, body: str) -> list[float]:
    widths: list[float] = page.execute_script(
        "const table = document.querySelector(arguments[0]).closest('table');"
        "return [...table.querySelectorAll(':scope > thead > tr > th')]"
        ".map((th) => th.getBoundingClientRect().width)",
        body,
    )
    return widths


def _lines(page: webdriver.Chrome, cell: WebElement) -> int:
    """How many lines the text of a table cell takes on screen."""
    count: int = page.execute_script(
        "const range = document.createRange(); range.selectNodeContents(arguments[0]);"
        "return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size",
        cell,
    )
    return count


@pytest.mark.parametrize("body", ["#journal-body", "#hooks-body"])
def test_opened_details_leave_the_table_readable(
    page: webdriver.Chrome, api: Api, body: str
) -> None:
    wait_for(page, "#live.ok")
    long_text = "A long request text that wraps. " * 80
    submission = outharm(api, {"title": [long_text]})
    click(card(page, "outharm", submission, "queued"), "Send verdict")  # a webhook is sent
    # The delivery's row is drawn anew as its state moves on: take it once it is delivered.
    delivered = f'{body} tr.delivery[data-state="delivered"]'
    row_css = f"{body} tr.call" if body == "#journal-body" else delivered
    row = wait_for(page, row_css, "outharm")
    before = _column_widths(page, body)
    press(row.find_element(By.CSS_SELECTOR, "button.toggle"))
    detail = wait_for(page, f"{body} tr.detail:not([hidden])")
    shown = (
        long_text.strip()[:40] if body == "#journal-body" else f'"submission_id": "{submission}"'
    )
    assert shown in detail.text  # the request or the webhook, in a row of its own
    after = _column_widths(page, body)
    moved = [
        (i, b, a) for i, (b, a) in enumerate(zip(before, after, strict=True)) if abs(a - b) > 2
    ]
    assert not moved, moved
    row = wait_for(page, row_css, "outharm")  # (a redraw keeps the detail open, not the node)
    cells = row.find_elements(By.TAG_NAME, "td")
    vendor = cells[1] if body == "#hooks-body" else cells[2]
    assert vendor.text == "outharm" and _lines(page, vendor) == 1
    at = cells[1] if body == "#journal-body" else cells[5]
    assert _lines(page, at) <= 2


def test_the_page_keeps_its_links_in_reach_and_says_problems_in_red(
    page: webdriver.Chrome, api: Api
) -> None:
    wait_for(page, "#live.ok")
    page.execute_script("window.scrollTo(0, document.body.scrollHeight)")
    assert page.execute_script("return window.scrollY") > 200
    top = page.execute_script(
        "const nav = document.querySelector('nav'); const box = nav.getBoundingClientRect();"
        "const hit = document.elementFromPoint(box.left + 20, box.top + box.height / 2);"
        "return [box.top, nav.contains(hit)]"
    )
    assert top == [0, True]
    page.find_element(By.ID, "paste-text").send_keys("clock: manul\nhitl: {rate_limt: 5}\n")
    press(page.find_element(By.ID, "paste-check"))
    status = wait_for(page, "#scenario-status", "problem(s)")
    assert status.text == "2 problem(s)." and "bad" in str(status.get_attribute("class"))
    red = page.execute_script("return getComputedStyle(arguments[0]).color", status)
    assert red == "rgb(179, 38, 30)"  # --bad, as a refusal


def test_a_ready_made_scenario_is_one_click_away(page: webdriver.Chrome, api: Api) -> None:
    wait_for(page, "#live.ok")
    name = page.find_element(By.ID, "namespace-name")
    name.send_keys("qa-switch")
    press(page.find_element(By.CSS_SELECTOR, "#namespace-new button"))
    wait_for(page, "#namespace-current", "qa-switch")
    select = Select(page.find_element(By.ID, "scenario-select"))
    waiting(page).until(lambda _d: len(select.options) > 2)
    groups = page.find_elements(By.CSS_SELECTOR, "#scenario-select optgroup")
    assert [g.get_attribute("label") for g in groups] == ["loaded", "ready-made"]
    select.select_by_value("hitl-reject")  # packaged, never loaded here
    press(page.find_element(By.CSS_SELECTOR, "#switch-form button"))
    wait_for(page, "#scenario-status", "Using hitl-reject")
    used = api.control("GET", "/scenario", headers={"X-Mockserver-Namespace": "qa-switch"})
    assert used.json()["name"] == "hitl-reject"
    assert api.control("GET", "/scenario").json()["name"] == "console-day"  # others kept theirs
    api.control("DELETE", "/namespaces/qa-switch")


def test_the_console_answers_with_a_trailing_slash(page: webdriver.Chrome, api: Api) -> None:
    page.get(f"{api.url}/_mockserver/ui/?token=abc")
    wait_for(page, "#live.ok")  # its files load, and it reaches the control plane
    assert page.current_url == f"{api.url}/_mockserver/ui/"  # the token kept, then dropped
    assert page.execute_script("return sessionStorage.getItem('mockserver.token')") == "abc"
    page.execute_script("sessionStorage.clear()")
