"""An accepted decision's page and JSON show its follow-through: the follow-up actions with their
owners, due dates, status and notes, and the outcome review against the expected impact; its
timeline tells each follow-up's change and the review in a sentence, and a deadline that passed
without a decision, but leaves out the schedule's reminders."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from actas.api import clock
from actas.api.domain.events import EventType
from actas.api.domain.references import format_reference
from actas.api.domain.validation import Impact
from actas.api.domain.vocabulary import ParticipantRole, ProposalState, RuleKind
from actas.api.models import Event, Proposal
from actas.api.services import follow_through, proposals
from actas.api.services.schedule import run_schedule
from actas.archive.build import BuildOptions, build_archive
from tests.api.receivers import fresh_era
from tests.archive.conftest import Built
from tests.archive.worlds import COMMENT, FOLLOW_UP, LONG, NOTE, SHORT, HostileWorld
from tests.factories import World, build_world, opened

HOUR, DAY = timedelta(hours=1), timedelta(days=1)


def decision_files(built: Built, proposal: Proposal) -> tuple[str, dict[str, Any]]:
    reference = format_reference(built.slug, proposal.number)
    folder = built.path / built.slug
    page = (folder / reference / "index.html").read_text()
    return page, json.loads((folder / f"{reference}.json").read_text())


async def test_the_page_and_its_json_show_the_follow_through(
    site: Built, hostile: HostileWorld
) -> None:
    page, data = decision_files(site, hostile.published)

    assert [(f["title"][:13], f["owner"], f["status"]) for f in data["follow_ups"]] == [
        (f"{FOLLOW_UP} 0 <", "Ana", "done"),
        (f"{FOLLOW_UP} 1 <", "Ana", "dropped"),
        (f"{FOLLOW_UP} 2 <", "Teo", "open"),  # handed over, and due a week later
    ]
    assert data["follow_ups"][0]["note"] == f"{NOTE} {LONG}"
    review = data["outcome_review"]
    assert (review["observed"], review["verdict"], review["comment"], review["reviewed_by"]) == (
        SHORT[:100],
        "partly",
        f"{COMMENT} {LONG}",
        "Teo",
    )
    section = page.split('<h2 id="follow-through">', 1)[1].split('<h2 id="proposal">')[0]
    assert section.startswith("Seguimiento</h2>")
    assert "Cumplido en parte" in section and "Lo revisó Teo el" in section
    assert "Hecha" in section and "Descartada" in section and "Pendiente" in section
    # User text is escaped wherever it lands: the section and the timeline's sentences.
    assert f"{FOLLOW_UP} 0 &lt;/title&gt;&lt;script&gt;" in section
    assert f"{NOTE} &lt;script&gt;window.__xss=1&lt;/script&gt;" in section
    assert f"{COMMENT} &lt;script&gt;window.__xss=1&lt;/script&gt;" in section
    timeline = page.split('<h2 id="timeline">', 1)[1].split('<h2 id="cite">')[0]
    for html in (section, timeline):
        assert "<script" not in html and "<img" not in html and "<svg" not in html


async def test_the_timeline_tells_each_change_in_a_sentence_in_both_languages(
    site: Built, public_site: Built, hostile: HostileWorld
) -> None:
    es, _ = decision_files(site, hostile.published)
    en, _ = decision_files(public_site, hostile.published)
    title = f"{FOLLOW_UP} 0 &lt;/title&gt;"

    assert f"Mara añadió la acción «{title}" in es
    assert f"Ana dio por hecha la acción «{title}" in es
    assert f"Mara descartó la acción «{FOLLOW_UP} 1 " in es
    assert f"Mara cambió la acción «{FOLLOW_UP} 2 " in es and "»: a cargo de Teo y plazo el" in es
    assert "Teo registró el resultado: Cumplido en parte (observado: " in es
    assert f"Mara added the follow-up “{title}" in en and "”, owned by Ana, due " in en
    assert f"Ana marked the follow-up “{title}" in en
    assert f"Mara dropped the follow-up “{FOLLOW_UP} 1 " in en
    assert "”: owner Teo and due " in en
    assert "Teo recorded the outcome: Partly met (observed: " in en
    for page in (es, en):
        assert "follow_up." not in page and "outcome." not in page  # no type left untold


async def scheduled_decision(world: World, era: datetime) -> Proposal:
    """A decision whose deadline passed before Teo, its decider, accepted it: he was reminded
    and his head alerted before the deadline, then the deadline passed without a decision."""
    deadline = era + 3 * DAY - 3 * HOUR  # 05:00 UTC: the schedule's digests run from 07:00
    with clock.frozen_at(era + HOUR):
        proposal = await opened(
            world,
            participants={"teo": ParticipantRole.DECIDER},
            rule=RuleKind.DECIDER,
            deadline=deadline,
            impact=Impact(metric="Conversión", baseline="2 %", target="3 %", by=deadline.date()),
        )
    for moment in (deadline - DAY, deadline + HOUR):
        with clock.frozen_at(moment):
            await run_schedule()
    with clock.frozen_at(deadline + 2 * HOUR):
        await proposals.decide_proposal(
            await world.viewer("teo"),
            proposal.id,
            outcome=ProposalState.ACCEPTED,
            statement="Sí.",
        )
        await follow_through.add_follow_up(
            await world.viewer("teo"),
            proposal.id,
            title="Medir",
            owner_id=world.id("ana"),
            due=(era + 10 * DAY).date(),
        )
    # The follow-up falls due and the outcome review is asked for (05:00 UTC again).
    with clock.frozen_at(era + 8 * DAY - 3 * HOUR):
        await run_schedule()
    return await Proposal.get(id=proposal.id)


async def test_the_timeline_tells_a_passed_deadline_but_not_the_schedules_reminders(
    tmp_path: Path,
) -> None:
    era = fresh_era()
    with clock.frozen_at(era):
        world = await build_world()
    proposal = await scheduled_decision(world, era)
    recorded = {t for (t,) in await Event.filter(proposal_id=proposal.id).values_list("type")}
    slug = world.organisation.slug
    reference = format_reference(slug, proposal.number)

    await build_archive(BuildOptions(output=tmp_path, organisations=(slug,), language="en"))

    page = (tmp_path / slug / reference / "index.html").read_text()
    shown = {
        e["type"] for e in json.loads((tmp_path / slug / f"{reference}.json").read_text())["events"]
    }
    reminders = {
        EventType.DEADLINE_APPROACHING,
        EventType.FOLLOW_UP_DUE,
        EventType.OUTCOME_REVIEW_DUE,
    }
    assert reminders | {EventType.DEADLINE_PASSED} <= recorded
    assert shown == recorded - reminders
    assert "The system noted that the deadline passed without a decision" in page
    assert "The system recorded" not in page
    # Not reviewed yet, and its date (the era's) has passed: the page says it is overdue.
    assert "The outcome has not been reviewed yet: the review was due on " in page
    assert " and is overdue." in page
