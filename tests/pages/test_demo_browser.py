"""A newcomer sees email work, in headless Chromium: ``actas demo --port <free>`` runs as a
subprocess; the browser opens ``/mail/``, the director's invitation, its *Block* button, gives a
reason and records the block; the page's tally changes, and the worker's email about it to the
proposal's followers shows up in ``/mail/``.

Needs Debian's ``chromium`` and Playwright; without them the test is skipped on a developer's
machine and fails under ``CI`` (``tests/browsers.py``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from actas.api.catalogue import texts_for
from actas.api.demo import data
from tests.api.demo_process import RunningDemo, director_email, running_demo
from tests.browsers import chromium

DIRECTOR = director_email()
PERSON = next(p for p in data.PEOPLE if p["email"] == DIRECTOR)
REASON = "Sin un plan de respuesta en tienda, el canal frustrará más de lo que ayude."
T = texts_for(PERSON["language"])


def blocks_counted(tally: str) -> int:
    found = re.search(rf"{re.escape(T.gettext('position.block'))}: (\d+)", tally)
    assert found, tally
    return int(found.group(1))


def open_the_invitation(browser: Any, demo: RunningDemo) -> Any:
    """From /mail/, the director's email with a Block button, as a newcomer clicks to it."""
    demo.wait_for("the director's invitation", lambda: demo.invitation(DIRECTOR))
    found = demo.invitation(DIRECTOR)
    assert found
    page = browser.new_page()
    page.goto(f"{demo.base}/mail/")
    page.get_by_role("link", name=DIRECTOR, exact=True).click()  # the index of recipients
    mine = page.locator(f'section[data-recipient="{DIRECTOR}"]')
    mine.locator(f'a[href="/mail/{quote(found[0])}"]').click()
    page.wait_for_url(f"{demo.base}/mail/{quote(found[0])}")
    return page


def test_a_newcomer_blocks_from_the_directors_invitation_and_sees_the_tally_change(
    tmp_path: Path,
) -> None:
    with running_demo(tmp_path / "demo") as demo, chromium() as browser:
        page = open_the_invitation(browser, demo)
        page.screenshot(path=str(tmp_path / "invitation.png"))
        page.locator("#html").get_by_role("link", name=T.gettext("position.block")).click()
        page.wait_for_url(re.compile(r"/p/[A-Z]+-\d+\?k=[^#]*position=block"))
        reference = re.search(r"/p/([A-Z]+-\d+)", page.url).group(1)  # type: ignore[union-attr]
        before, said_before = tally(page)
        chosen = page.locator('#position input[value="block"]').is_checked()

        page.fill("#position-reason", REASON)
        page.locator("#position button[type=submit]").click()
        page.wait_for_selector("#done")
        after, said_after = tally(page)
        recorded = page.locator("#position").inner_text()
        page.screenshot(path=str(tmp_path / "blocked.png"), full_page=True)

        told = f"[{reference}] " + T.gettext("mail.happened.position.taken", actor=PERSON["name"])
        demo.wait_for("the email about the block", lambda: any(told in s for s in subjects(demo)))
        page.goto(f"{demo.base}/mail/")
        listed = page.get_by_role("link", name=re.compile(re.escape(told))).count()
        page.screenshot(path=str(tmp_path / "mail.png"))
        stopped = demo.interrupt()

    assert chosen  # the button opened the page with Block chosen; nothing recorded yet
    assert blocks_counted(after) == blocks_counted(before) + 1
    assert said_after != said_before  # the tally's reason says so too
    assert REASON in recorded
    assert listed >= 1
    assert stopped in (0, 130)


def tally(page: Any) -> tuple[str, str]:
    """The page's tally section, and its first line: the reason."""
    return page.locator("#tally").inner_text(), page.locator("#tally p").first.inner_text()


def subjects(demo: RunningDemo) -> list[str]:
    return [str(message["Subject"]) for _key, message in demo.caught()]
