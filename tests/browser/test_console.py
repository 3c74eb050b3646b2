"""A reviewer's day in the console, in a real browser, against a running sandbox.

Everything the page does is a control-plane call; these tests check that what a QA engineer
sees and clicks changes the sandbox the way a test's own call would (journal, webhooks, the
receiver), that updates arrive without a reload, and that item text stays text.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import requests
from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

from mockserver.http.settings import Settings
from mockserver.records.journal import JournalEntry
from mockserver.registry import vendors
from mockserver.testing.receiver import ReceiverEndpoint
from mockserver.testing.server import InProcessServer

from .conftest import LOOP, ROOT, SCHEMA_ID, Api

WAIT = 20.0  # generous: a shared CI machine can be slow; passing runs never wait it out
# How often a wait looks again (selenium's default, half a second, cost each wait a quarter of
# a second on average and the browser tests seconds each; a look is one local driver call).
POLL = 0.02
TOKEN = "ctl-console-test"
# A small picture as a data URL: the page shows images under review without any network.
PICTURE = "data:image/svg+xml;base64," + (
    "PHN2ZyB4bWxucz0naHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmcnIHdpZHRoPScxNjAnIGhlaWdodD0n"
    "OTAnPjxyZWN0IHdpZHRoPScxNjAnIGhlaWdodD0nOTAnIGZpbGw9JyNjOWRjZjInLz48Y2lyY2xlIGN4"
    "PSc1MCcgY3k9JzQ1JyByPScyMicgZmlsbD0nI2YyYjcwNScvPjxwYXRoIGQ9J00wIDkwIEw2MCA0MCBM"
    "MTEwIDkwIFonIGZpbGw9JyM1YThmNGUnLz48L3N2Zz4="
)
HOSTILE = '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">Is this OK?'


def waiting(driver: webdriver.Chrome, timeout: float = WAIT) -> WebDriverWait[webdriver.Chrome]:
    """A wait on the page that looks every POLL seconds, for at most `timeout`. A look that
    meets an element the page has just redrawn (the live updates replace rows and cards) looks
    again at the next poll, instead of failing on the stale node."""
    return WebDriverWait(
        driver,
        timeout,
        poll_frequency=POLL,
        ignored_exceptions=(NoSuchElementException, StaleElementReferenceException),
    )


def wait_for(driver: webdriver.Chrome, css: str, text: str | None = None) -> WebElement:
    """The first element matching `css` (whose text contains `text`), once it is there."""

    def found(d: webdriver.Chrome) -> WebElement | bool:
        for element in d.find_elements(By.CSS_SELECTOR, css):
            if text is None or text in element.text:
                return element
        return False

    element = waiting(driver).until(found, f"nothing matching {css!r} with text {text!r}")
    assert isinstance(element, WebElement)
    return element


def card(
    driver: webdriver.Chrome, vendor: str, item_id: str, status: str | None = None
) -> WebElement:
    css = f'article.item[data-vendor="{vendor}"][data-id="{item_id}"]'
    if status is not None:
        css += f'[data-status="{status}"]'
    return wait_for(driver, css)


def press(element: WebElement) -> None:
    """Click `element` as a person would: scrolled to the middle of the window first (the
    sticky section links cover the top edge, where the driver would otherwise click)."""
    element.parent.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def click(element: WebElement, label: str) -> None:
    """Click the button in `element` that says `label`."""
    buttons = [b for b in element.find_elements(By.TAG_NAME, "button") if b.text == label]
    assert buttons, f"no {label!r} button in {element.text!r}"
    press(buttons[0])


def choose(element: WebElement, label: str) -> None:
    """Tick the radio or checkbox whose label says `label`."""
    labels = [lab for lab in element.find_elements(By.TAG_NAME, "label") if lab.text == label]
    assert labels, f"no {label!r} label in {element.text!r}"
    press(labels[0])


def test_a_hitl_request_is_claimed_and_answered_from_the_page(
    page: webdriver.Chrome, api: Api, hook: ReceiverEndpoint
) -> None:
    wait_for(page, "#live.ok")
    request_id = api.hitl_request(HOSTILE, callback_url=hook.url)

    item = card(page, "hitl", request_id, "pending")  # no reload: the long-poll brought it
    text = item.find_element(By.CSS_SELECTOR, ".content .text")
    assert text.text == HOSTILE  # shown as text, not markup
    assert page.execute_script("return window.pwned") is None
    assert page.find_elements(By.CSS_SELECTOR, "#items script, #items img[src='x']") == []
    assert "claim" in item.find_element(By.CSS_SELECTOR, ".next").text  # what the rule does next
    assert "Trust and Safety" in item.text
    # Titles and vendor filters come from the sandbox's vendors, each shown by its own view.
    assert item.find_element(By.CSS_SELECTOR, "header h3").text.startswith("HITL.sh request ")
    queue = Select(page.find_element(By.ID, "queue-vendor")).options
    names = [v.name for v in vendors()]
    assert [o.get_attribute("value") for o in queue] == ["", *names]
    shown = {o.get_attribute("value"): o.text for o in queue}
    assert shown[""] == "all" and all(shown[name] for name in names)
    assert (shown["hitl"], shown["hive"]) == ("HITL.sh", "Hive")  # a view's short title wins
    journal = Select(page.find_element(By.ID, "journal-vendor")).options
    assert [o.text for o in journal] == ["all", *names]

    Select(page.find_element(By.ID, "reviewer")).select_by_value("sam@example.com")
    # By keyboard: Enter on the focused Claim button; focus stays on the item afterwards.
    claim = next(b for b in item.find_elements(By.TAG_NAME, "button") if b.text == "Claim")
    page.execute_script("arguments[0].focus()", claim)
    claim.send_keys(Keys.ENTER)
    item = card(page, "hitl", request_id, "claimed")
    assert "sam@example.com" in item.text
    focused = page.switch_to.active_element
    assert focused.text == "Release" and focused.find_element(By.XPATH, "ancestor::article") == item

    # An answer the request cannot take is refused with the control API's own message.
    click(item, "Send answer")
    refusal = wait_for(page, f'article.item[data-id="{request_id}"] .act-error', "")
    waiting(page).until(lambda _d: refusal.text != "")
    same = api.control("POST", f"/items/hitl/{request_id}", json={"respond": {"choose": None}})
    assert same.status_code == 400 and same.json()["error"] in refusal.text

    choose(item, "Reject")
    # A live update (another request arrives) leaves the half-filled form alone.
    other = api.hitl_request("Another one")
    card(page, "hitl", other, "pending")
    reject = item.find_element(By.CSS_SELECTOR, "input[value='Reject']")
    assert reject.is_selected()
    click(item, "Send answer")
    item = card(page, "hitl", request_id, "completed")
    assert "Reject" in item.text

    # The signed webhook: in the page's delivery log, and at the receiver, verified.
    row = wait_for(page, "#hooks-body tr.delivery[data-state='delivered']", "request.completed")
    assert "X-HITL-Signature-256: sha256=" in row.text
    (received,) = hook.wait(event="request.completed", timeout=WAIT)
    body = received.json()  # hitl.webhook_body A (default): the quickstart's envelope
    assert received.verified and body["data"]["request"]["response_data"] == "Reject"
    assert body["data"]["reviewer"]["email"] == "sam@example.com"
    # ... and the calls the page made are the control plane's, so the journal shows the
    # vendor call that created the request.
    wait_for(page, "#journal-body tr.call", f"POST /v1/api/loops/{LOOP}/requests")
    # Opened, each call shows what the client sent and the answer it got (the created id).
    for call in page.find_elements(By.CSS_SELECTOR, "#journal-body tr.call"):
        press(call.find_element(By.CSS_SELECTOR, "button.toggle"))
    opened = page.find_element(By.ID, "journal-body")
    waiting(page).until(lambda _d: f'"request_id": "{request_id}"' in opened.text)
    assert "Answer" in opened.text


def test_an_outharm_submission_and_a_hive_review_are_decided_from_the_page(
    page: webdriver.Chrome, api: Api, hook: ReceiverEndpoint
) -> None:
    wait_for(page, "#live.ok")
    made = api.http.post(
        f"{api.url}/moderation/manual",
        json={
            "schema_id": SCHEMA_ID,
            "content": {
                "title": ["Totally legit offer, buy now"],
                "images": [PICTURE],
            },
        },
        headers={"Authorization": "Bearer om-token"},
    )
    assert made.status_code == 200, made.text
    submission = made.json()["submission_id"]
    task = api.http.post(
        f"{api.url}/api/v1/task/sync",
        json={"patron_id": "u42", "post_id": "p42", "text_data": "you idiot"},
        headers={"Authorization": "token hive-key"},
    )
    assert task.status_code == 200, task.text
    task_id = task.json()["task_id"]
    api.hitl_request("Is this product photo allowed?")

    outharm = card(page, "outharm", submission, "queued")
    assert outharm.find_elements(By.CSS_SELECTOR, ".content img")  # images are shown
    hive = card(page, "hive", task_id, "pending")
    if os.environ.get("MOCKSERVER_UPDATE_SCREENSHOT") == "1":
        page.save_screenshot(str(ROOT / "docs" / "reviewer-console.png"))

    title = outharm.find_elements(By.TAG_NAME, "fieldset")[0]
    choose(title, "Harmful")
    title.find_element(By.CSS_SELECTOR, "input[type='text']").send_keys("spam")
    click(outharm, "Send verdict")
    outharm = card(page, "outharm", submission, "completed")
    (verdict,) = hook.wait(event="moderation.manual.completed", timeout=WAIT)
    assert verdict.verified
    results = verdict.json()["data"]["results"]
    assert results["title"]["is_harmful"] is True and results["images"]["is_harmful"] is False

    choose(hive, "ban_user")
    click(hive, "Take action")
    card(page, "hive", task_id, "decided")
    hook.wait(2, timeout=WAIT)  # the Outharm verdict, then the ban_user action callback
    actions = [h.json() for h in hook.received if h.json().get("trigger") == "review"]
    assert actions and actions[0]["task_id"] == task_id


def test_the_clock_is_advanced_and_a_request_times_out_on_screen(
    page: webdriver.Chrome, api: Api
) -> None:
    wait_for(page, "#live.ok")
    request_id = api.hitl_request("A slow one: nobody will answer")
    item = card(page, "hitl", request_id, "pending")
    left = item.find_element(By.CSS_SELECTOR, ".tick.left")
    assert left.text == "10m"  # manual clock: time left does not move by itself
    assert "Nothing scheduled" not in item.text  # the timeout timer is listed
    wait_for(page, "#timers-body tr", f"{request_id}:timeout")

    advance = page.find_element(By.ID, "advance-by")
    advance.clear()
    advance.send_keys("15m")
    page.find_element(By.CSS_SELECTOR, "#advance-form button").click()
    card(page, "hitl", request_id, "timeout")
    assert "timer(s) fired" in wait_for(page, "#clock-status", "fired").text
    assert "09:15:00" in page.find_element(By.ID, "clock-now").text


def test_scenario_check_redelivery_and_namespace_reset_from_the_page(
    page: webdriver.Chrome, api: Api, hook: ReceiverEndpoint, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Journal entries may carry lenience notes (what strict mode would refuse): shown per call.
    plain = JournalEntry.to_json

    def noted(entry: JournalEntry) -> dict[str, Any]:
        note = {
            "rule": "priority-case",
            "real": "the real API answers 400",
            "source": "docs.hitl.sh/api-reference/errors",
        }
        return {**plain(entry), "lenience": [note]}

    monkeypatch.setattr(JournalEntry, "to_json", noted)
    wait_for(page, "#live.ok")
    # A pasted scenario gets mockserver validate's messages, and nothing is loaded.
    broken = "hitl:\n  rules:\n    - otherwise: {respond: {ratin: 4}}\nclock: manul\n"
    expected = api.control(
        "POST", "/scenario/validate", params={"source": "qa.yaml"}, data=broken
    ).json()["problems"]
    paste = page.find_element(By.ID, "paste-text")
    paste.send_keys(broken)
    name = page.find_element(By.ID, "paste-name")
    name.clear()
    name.send_keys("qa.yaml")
    page.find_element(By.ID, "paste-check").click()
    wait_for(page, "#scenario-status", "problem(s)")
    shown = [li.text for li in page.find_elements(By.CSS_SELECTOR, "#paste-problems li")]
    assert shown == expected and len(shown) == 2
    assert page.find_element(By.ID, "scenario-name").text == "console-day"

    # Redeliver a webhook: a second delivery of the same event reaches the receiver.
    request_id = api.hitl_request("Redeliver me", callback_url=hook.url)
    item = card(page, "hitl", request_id, "pending")
    click(item, "Cancel request")
    card(page, "hitl", request_id, "cancelled")
    row = wait_for(page, "#hooks-body tr.delivery[data-state='delivered']", "request.cancelled")
    click(row, "Redeliver")
    hook.wait(2, event="request.cancelled", timeout=WAIT)
    wait_for(page, "#hook-status", "queued")

    note = wait_for(page, "#journal-body .lenience li", "priority-case")
    source = "(docs.hitl.sh/api-reference/errors)"
    assert note.text == f"priority-case: the real API answers 400 {source}"

    # Reset the namespace: its items leave the queue.
    page.find_element(By.ID, "reset-current").click()
    waiting(page).until(
        lambda d: not d.find_elements(By.CSS_SELECTOR, f'article.item[data-id="{request_id}"]')
    )
    wait_for(page, "#items p.empty")

    # A control token given once in the address is kept for the tab, not left in the URL.
    page.get(f"{api.url}/_mockserver/ui?token=s3cret#queue")
    wait_for(page, "#live.ok")
    assert "token" not in page.current_url and page.current_url.endswith("/_mockserver/ui#queue")
    assert page.execute_script("return sessionStorage.getItem('mockserver.token')") == "s3cret"
    assert page.find_element(By.ID, "token").get_attribute("value") == "s3cret"
    page.find_element(By.ID, "token").clear()
    page.find_element(By.CSS_SELECTOR, "#token-form button").click()
    waiting(page).until(
        lambda d: d.execute_script("return sessionStorage.getItem('mockserver.token')") is None
    )


def test_the_page_works_with_a_control_token(
    driver: webdriver.Chrome, hook: ReceiverEndpoint
) -> None:
    """A shared sandbox with a control token: the page itself loads without it, says what it
    needs, and works once the token is given (sent on every call it makes)."""
    with InProcessServer(Settings.from_env({}, control_token=TOKEN)) as server:
        used = requests.put(
            f"{server.url}/_mockserver/scenario",
            data="clock: manual\nhitl: {rules: [{otherwise: timeout}]}\n",
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        assert used.status_code == 200, used.text
        driver.get(f"{server.url}/_mockserver/ui/console.css")
        driver.execute_script("sessionStorage.clear()")
        driver.get(f"{server.url}/")
        try:
            wait_for(driver, "#live.bad", "control token")
            driver.find_element(By.ID, "token").send_keys(TOKEN, Keys.ENTER)
            wait_for(driver, "#live.ok")
            auth = {"Authorization": "Bearer k"}
            made = requests.post(f"{server.url}/v1/api/loops", json={"name": "QA"}, headers=auth)
            loop_id = made.json()["data"]["loop"]["id"]
            made = requests.post(
                f"{server.url}/v1/api/loops/{loop_id}/requests",
                json={"request_text": "Behind a token"},
                headers=auth,
            )
            request_id = made.json()["data"]["request_id"]
            item = card(driver, "hitl", request_id, "pending")
            click(item, "Claim")
            card(driver, "hitl", request_id, "claimed")
        finally:
            driver.execute_script("sessionStorage.clear()")
            driver.get("about:blank")
