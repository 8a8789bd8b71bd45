"""The proposal page in a real headless Chromium, served by a real ``actas serve`` process, with
the archive's script payloads (``tests/archive/worlds.py``) in every user-written field it shows:
the title, summary, body and impact, argument bodies, the reader's own position's reason, the
names of people (participants, authors, voices still awaited, the reader) and the organisation's
name. On every page a link holder can reach, with the forms used as a person would, nothing
runs, nothing user-written becomes a handler, a link, a frame or SVG, and the browser reports no
violation of the page's Content-Security-Policy."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from actas.api import clock
from actas.api.domain.validation import MAX_BODY, Impact
from actas.api.domain.vocabulary import ParticipantRole, PositionStance, Role, Stance
from actas.api.models import Proposal
from actas.api.services import debate, organisations
from actas.api.services.personal_links import PersonalKey, PersonalLinks, Purpose
from actas.api.settings import Settings
from tests.api.receivers import free_port
from tests.archive.worlds import LONG, PAYLOADS, SHORT
from tests.browsers import chromium
from tests.factories import World, build_world, opened, unique
from tests.pages.browsing import SECRET, serving

# True if anything user-written could run or reach a handler: a payload that ran, inline event
# handlers, javascript:/data: URLs, frames, SVG inside the page's content.
PROBE = """() => ({
  ran: window.__xss !== undefined || document.title === 'XSS',
  handlers: [...document.querySelectorAll('*')].flatMap(e => [...e.attributes]
      .filter(a => a.name.startsWith('on')).map(a => e.tagName + ' ' + a.name)),
  javascriptUrls: [...document.querySelectorAll('[href],[src],[action],[formaction]')]
      .map(e => e.getAttribute('href') || e.getAttribute('src') || e.getAttribute('action') || '')
      .filter(u => /^\\s*(javascript|data|vbscript):/i.test(u)),
  frames: document.querySelectorAll('iframe, object, embed').length,
  svg: document.querySelectorAll('main svg, header svg').length,
  violations: window.__violations,
})"""
CLEAN = {"ran": False, "handlers": [], "javascriptUrls": [], "frames": 0, "svg": 0}
# Every violation the page sees, whether or not the console shows it.
COLLECT_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
  e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
"""
HOSTILE_NAMES = (SHORT[:200], PAYLOADS[1], PAYLOADS[12], PAYLOADS[6])


@dataclass
class HostilePage:
    world: World
    proposal: Proposal
    reference: str
    holder: int  # a required participant with a hostile name, their position's reason hostile
    informed: int  # argues, takes no position
    first_argument: int


@pytest.fixture(scope="module")
async def hostile(database: Settings) -> HostilePage:
    world = await build_world()
    admin = await world.viewer("admin")
    org = world.organisation
    await organisations.update_organisation(
        admin, org.id, organisations.OrganisationChanges(name=SHORT)
    )
    people = []
    for n, name in enumerate(HOSTILE_NAMES):
        membership = await organisations.add_member(
            admin, org.id, email=f"{unique(f'hostile{n}')}@example.org", name=name, role=Role.MEMBER
        )
        people.append(membership.user_id)
        world.users[f"hostile{n}"] = await membership.user
    proposal = await opened(
        world,
        "mara",
        title=f"Hostile {SHORT}",
        summary=SHORT,
        body=LONG,
        impact=Impact(metric=SHORT, baseline=SHORT[:100], target=SHORT[:100]),
        deadline=clock.now() + timedelta(days=5),
        participants={
            "hostile0": ParticipantRole.REQUIRED,
            "hostile1": ParticipantRole.REQUIRED,  # stays silent: awaited by name
            "hostile2": ParticipantRole.INFORMED,
            "hostile3": ParticipantRole.CONSULTED,
        },
    )
    first = await _debate(world, proposal)
    holder = await world.viewer("hostile0")
    await debate.take_position(holder, proposal.id, stance=PositionStance.DISAGREE, reason=SHORT)
    reference = f"{org.slug.upper()}-{proposal.number}"
    return HostilePage(world, proposal, reference, people[0], people[2], first)


async def _debate(world: World, proposal: Proposal) -> int:
    """Every payload as an argument body, threaded, by people with hostile names."""
    authors = [await world.viewer(f"hostile{n}") for n in range(len(HOSTILE_NAMES))]
    first = await debate.add_argument(authors[0], proposal.id, stance=Stance.FOR, body=LONG)
    parent = first.id
    for n, payload in enumerate(PAYLOADS):
        reply = await debate.add_argument(
            authors[n % len(authors)],
            proposal.id,
            stance=list(Stance)[n % len(Stance)],
            body=payload,
            parent_id=parent if n % 3 else first.id,
        )
        parent = reply.id
    return first.id


@dataclass
class Served:
    url: str
    hostile: HostilePage

    def link(self, user_id: int, key: str | None = None) -> str:
        page = self.hostile
        key = key or PersonalLinks(SECRET).key(
            PersonalKey(Purpose.PROPOSAL, user_id, page.world.organisation.id, page.proposal.id),
            generation=0,
        )
        return f"{self.url}/p/{page.reference}?k={key}"


@pytest.fixture(scope="module")
def served(database: Settings, hostile: HostilePage) -> Iterator[Served]:
    """``actas serve`` on the tests' database, signing links with the pages' test key."""
    with serving(database, free_port()) as url:
        yield Served(url, hostile)


@pytest.fixture(scope="module")
def browser(served: Served) -> Iterator[Any]:
    # Module scope: Playwright's sync API keeps an event loop running in this thread while it
    # is open, which async tests and fixtures cannot share: the page is built (``served``)
    # before the browser starts.
    with chromium() as launched:
        yield launched


class Visit:
    """One tab: what it was shown, and every dialog and console message it produced."""

    def __init__(self, browser: Any) -> None:
        self.page = browser.new_page()
        self.dialogs: list[str] = []
        self.console: list[str] = []
        self.page.add_init_script(COLLECT_VIOLATIONS)
        self.page.on("dialog", self._dialog)
        self.page.on("console", lambda m: self.console.append(m.text))

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, url: str) -> Visit:
        self.page.goto(url, wait_until="load")
        return self

    def probed(self) -> dict[str, Any]:
        """The probe after every details toggled and every element hovered and focused, so
        handlers on toggle, hover or focus would fire too."""
        self.page.evaluate(
            "() => document.querySelectorAll('details').forEach(d => d.open = !d.open)"
        )
        self.page.evaluate(
            """() => document.querySelectorAll('main *').forEach(e => {
                 e.dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));
                 e.dispatchEvent(new FocusEvent('focus'));
               })"""
        )
        self.page.wait_for_timeout(50)
        result: dict[str, Any] = self.page.evaluate(PROBE)
        result["dialogs"] = self.dialogs
        result["policy messages"] = [m for m in self.console if "Content Security Policy" in m]
        return result

    def close(self) -> None:
        self.page.close()


def assert_clean(result: dict[str, Any], where: str) -> None:
    assert {k: result[k] for k in CLEAN} == CLEAN, where
    assert result["violations"] == [], where
    assert result["dialogs"] == [] and result["policy messages"] == [], where


def test_the_probe_catches_a_payload_and_a_policy_violation(browser: Any, served: Served) -> None:
    # A payload placed unescaped into the real page: the probe sees the handler it carries,
    # and the page's policy refuses the inline script, which the violation hook records.
    visit = Visit(browser).open(served.link(served.hostile.holder))
    visit.page.evaluate(
        "html => document.querySelector('main').insertAdjacentHTML('beforeend', html)",
        PAYLOADS[1] + '<a href="javascript:window.__xss=1">x</a>',
    )
    visit.page.evaluate(
        """() => { const s = document.createElement('script');
                   s.textContent = 'window.__xss = 1'; document.body.append(s); }"""
    )
    result = visit.probed()
    visit.close()
    assert result["handlers"] and result["javascriptUrls"]
    assert any(v.startswith("script-src") for v in result["violations"])


def test_no_payload_runs_on_the_pages_a_link_holder_reads(browser: Any, served: Served) -> None:
    page = served.hostile
    holder = served.link(page.holder)
    urls = [
        holder,
        holder + "&position=block",
        holder + f"&reply={page.first_argument}#argument-{page.first_argument}",
        holder + "&done=position",
        # What the URL carries is reflected only when it is one of the page's own values.
        holder
        + "&position=%3Cscript%3Ewindow.__xss%3D1%3C%2Fscript%3E&done=%3Csvg%20onload%3D1%3E",
        holder + "&reply=%22%3E%3Cimg%20src%3Dx%20onerror%3Dwindow.__xss%3D1%3E",
        served.link(page.informed),
        served.link(page.holder, key="not-a-key"),  # the page that offers a fresh link
        f"{served.url}/p/{page.reference}",
        f"{served.url}/p/%3Cscript%3Ewindow.__xss=1%3C%2Fscript%3E-1?k=x",
    ]
    for url in urls:
        visit = Visit(browser).open(url)
        assert_clean(visit.probed(), url)
        visit.close()


def test_every_user_written_field_reaches_the_page_as_text(browser: Any, served: Served) -> None:
    visit = Visit(browser).open(served.link(served.hostile.holder))
    text = visit.page.inner_text
    title = visit.page.title()
    heading, where = text("h1"), text(".actas-where")
    facts, summary, body = text(".actas-facts"), text(".actas-summary"), text(".actas-body")
    participants, tally, debate_text = text("#participants"), text("#tally"), text("#debate")
    own, footer = text("#position"), text(".actas-footer")
    assert_clean(visit.probed(), "holder's page")
    visit.close()

    assert title.endswith(f"Hostile {SHORT}") and heading == f"Hostile {SHORT}"
    assert where == SHORT
    assert f"{SHORT}: {SHORT[:100]} → {SHORT[:100]}" in facts
    assert "<script>window.__xss=1</script>" in body and "window.__xss=1" in summary
    for name in HOSTILE_NAMES:
        assert name in participants
    assert HOSTILE_NAMES[1] in tally  # a required voice still awaited
    assert debate_text.count(HOSTILE_NAMES[0]) >= 2  # authors
    assert "<script>window.__xss=1</script>" in debate_text and "raw link" in debate_text
    assert SHORT in own  # the reader's own reason
    assert HOSTILE_NAMES[0] in footer  # whom the page is read as


def test_forms_filled_with_payloads_show_them_as_text(browser: Any, served: Served) -> None:
    page = served.hostile
    visit = Visit(browser).open(served.link(page.holder))
    arguments_before = visit.page.locator("article.actas-argument").count()
    # A reply, through the form under the first argument (its Reply link opens the form).
    visit.page.click(f"#argument-{page.first_argument} .actas-reply a")
    visit.page.fill(f"#reply-body-{page.first_argument}", "Reply " + LONG)
    visit.page.click(f"#argument-{page.first_argument} form button[type=submit]")
    visit.page.wait_for_load_state("load")
    replies = visit.page.locator("article.actas-argument", has_text="Reply <script>")
    shown = (visit.page.locator("article.actas-argument").count(), replies.count())
    after_reply = visit.probed()
    # A position whose reason closes the textarea it is typed in.
    visit.page.check("#position input[value=agree]")
    visit.page.fill("#position-reason", "</textarea>" + SHORT)
    visit.page.click("#position button[type=submit]")
    visit.page.wait_for_load_state("load")
    own = visit.page.inner_text("#position")
    after_position = visit.probed()
    # A refused argument (too long) comes back with everything typed, payloads included.
    visit.page.evaluate(
        "text => { document.querySelector('#argument-body').value = text }",
        "</textarea>" + SHORT + "x" * MAX_BODY,
    )
    visit.page.select_option("#argument-stance", "for")
    visit.page.click("#argue button[type=submit]")
    visit.page.wait_for_load_state("load")
    refused = visit.page.locator("#error").count()
    kept = visit.page.input_value("#argument-body")
    after_refusal = visit.probed()
    visit.close()

    for result, where in (
        (after_reply, "reply"),
        (after_position, "position"),
        (after_refusal, "refusal"),
    ):
        assert_clean(result, where)
    assert shown == (arguments_before + 1, 1)
    assert "</textarea>" + SHORT in own
    assert refused == 1 and kept.startswith("</textarea>" + SHORT)
