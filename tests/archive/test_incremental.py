"""Republishing: a build reads only decisions whose stamp changed, and still renders again every
page whose content changed, including changes recorded on other proposals (a linked proposal's
title, a new link to a decision) or on no proposal at all (a unit's or a person's name), and
changes to an archived decision's follow-through."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from actas.api import clock
from actas.api.domain.references import format_reference
from actas.api.domain.vocabulary import (
    FollowUpStatus,
    LinkKind,
    OutcomeVerdict,
    ProposalState,
    Stance,
)
from actas.api.models import Proposal, User
from actas.api.services import debate, follow_through, organisations, proposals
from actas.api.services.schedule import run_schedule
from actas.archive.build import BuildOptions, BuildReport, build_archive
from tests.api.receivers import fresh_era
from tests.archive.test_build import site_files
from tests.archive.worlds import _closed
from tests.factories import World, build_world, opened


def counts(report: BuildReport) -> tuple[int, int, int, int]:
    return report.new, report.changed, report.unchanged, report.read


def page(out: Path, world: World, proposal: Proposal) -> str:
    slug = world.organisation.slug
    reference = format_reference(slug, proposal.number)
    return (out / slug / reference / "index.html").read_text()


async def decided(world: World, proposal: Proposal) -> Proposal:
    await debate.add_argument(await world.viewer("ana"), proposal.id, stance=Stance.FOR, body="Sí.")
    await proposals.decide_proposal(
        await world.viewer("admin"), proposal.id, outcome=ProposalState.ACCEPTED, statement="Ok."
    )
    return await Proposal.get(id=proposal.id)


async def test_decisions_whose_stamp_is_unchanged_are_not_read(tmp_path: Path) -> None:
    world = await build_world()
    for n in range(3):
        await _closed(world, f"decision {n}")
    options = BuildOptions(output=tmp_path, organisations=(world.organisation.slug,))

    first = await build_archive(options)
    again = await build_archive(options)
    await User.create(name="Someone new", email="new@example.org", created_at=clock.now())
    joined = await build_archive(options)

    assert counts(first) == (3, 0, 0, 3)
    assert counts(again) == (0, 0, 3, 0)
    assert counts(joined) == (0, 0, 3, 0)  # a new person appears on no page


async def test_a_linked_proposals_new_title_renders_the_page_that_links_to_it(
    tmp_path: Path,
) -> None:
    world = await build_world()
    mara = await world.viewer("mara")
    linked = await opened(world, title="Pago con Bizum")
    linker = await opened(world, title="Checkout nuevo")
    await proposals.link_proposals(mara, linker.id, linked.id, LinkKind.RELATED)
    linker = await decided(world, linker)
    await _closed(world, "bystander")
    options = BuildOptions(output=tmp_path, organisations=(world.organisation.slug,))
    await build_archive(options)

    await proposals.revise_proposal(
        mara, linked.id, expected_version=1, change_note="Nombre", title="Bizum y Apple Pay"
    )
    renamed = await build_archive(options)

    assert counts(renamed) == (0, 1, 1, 1)
    assert "Bizum y Apple Pay" in page(tmp_path, world, linker)


async def test_a_new_link_to_a_decision_renders_its_page(tmp_path: Path) -> None:
    # A link is an event on its source only: the decision it points to learns of it elsewhere.
    world = await build_world()
    target = await _closed(world, "target")
    await _closed(world, "bystander")
    options = BuildOptions(output=tmp_path, organisations=(world.organisation.slug,))
    await build_archive(options)
    source = await opened(world, title="Sucesora")

    await proposals.link_proposals(
        await world.viewer("mara"), source.id, target.id, LinkKind.SUPERSEDES
    )
    linked = await build_archive(options)

    assert counts(linked) == (0, 1, 1, 1)
    assert "Sucesora" in page(tmp_path, world, target)


async def test_a_renamed_unit_renders_its_decisions_pages(tmp_path: Path) -> None:
    world = await build_world()
    in_unit = await _closed(world, "in marketing", unit="marketing")
    await _closed(world, "no unit")
    options = BuildOptions(output=tmp_path, organisations=(world.organisation.slug,))
    await build_archive(options)

    await organisations.update_unit(
        await world.viewer("admin"),
        world.units["marketing"].id,
        organisations.UnitChanges(name="Crecimiento"),
    )
    renamed = await build_archive(options)

    assert counts(renamed) == (0, 1, 1, 1)
    assert "Crecimiento" in page(tmp_path, world, in_unit)


async def test_a_renamed_person_renders_the_pages_that_name_them(tmp_path: Path) -> None:
    # No service renames people today; a rename in the database still reaches the archive.
    world = await build_world()
    decisions = [await _closed(world, f"decision {n}") for n in range(2)]
    options = BuildOptions(output=tmp_path, organisations=(world.organisation.slug,))
    await build_archive(options)

    await User.filter(id=world.id("teo")).update(name="Teo Nadie")  # on no page
    nobody = await build_archive(options)
    await User.filter(id=world.id("ana")).update(name="Ana Renombrada")  # argued in both
    renamed = await build_archive(options)

    assert counts(nobody) == (0, 0, 2, 0)
    assert counts(renamed) == (0, 2, 0, 2)
    assert all("Ana Renombrada" in page(tmp_path, world, d) for d in decisions)


async def test_each_change_to_a_decisions_follow_through_renders_its_page(
    tmp_path: Path,
) -> None:
    # Follow-ups and the outcome review are recorded as events on the decision's proposal.
    world = await build_world()
    decision = await _closed(world, "followed")
    await _closed(world, "bystander")
    options = BuildOptions(output=tmp_path, organisations=(world.organisation.slug,))
    await build_archive(options)
    mara = await world.viewer("mara")

    follow_up = await follow_through.add_follow_up(
        mara,
        decision.id,
        title="Medir la conversión",
        owner_id=world.id("olga"),  # on no other part of the page
        due=clock.now().date() + timedelta(days=30),
    )
    added = await build_archive(options)
    await User.filter(id=world.id("olga")).update(name="Olga Renombrada")
    owner_renamed = await build_archive(options)
    await follow_through.update_follow_up(
        mara,
        follow_up.id,
        follow_through.FollowUpChanges(status=FollowUpStatus.DONE, note="Medida."),
    )
    done = await build_archive(options)
    await follow_through.record_outcome(
        mara, decision.id, observed="2,5 %", verdict=OutcomeVerdict.MET, comment="Bien."
    )
    reviewed = await build_archive(options)

    assert counts(added) == (0, 1, 1, 1)
    assert counts(owner_renamed) == (0, 1, 1, 1)
    assert counts(done) == (0, 1, 1, 1)
    assert counts(reviewed) == (0, 1, 1, 1)
    text = page(tmp_path, world, decision)
    assert "Medir la conversión" in text and "Olga Renombrada" in text
    assert "Medida." in text and "Cumplido" in text


async def test_a_reminder_of_the_schedule_reads_a_decision_again_but_renders_nothing(
    tmp_path: Path,
) -> None:
    # The reminder is an event on the proposal (so its stamp changes) that its page leaves out.
    era = fresh_era()
    with clock.frozen_at(era):
        world = await build_world()
        decision = await _closed(world, "followed")
        await _closed(world, "bystander")
        await follow_through.add_follow_up(
            await world.viewer("mara"),
            decision.id,
            title="Medir",
            owner_id=world.id("ana"),
            due=(era + timedelta(days=10)).date(),
        )
    options = BuildOptions(output=tmp_path, organisations=(world.organisation.slug,))
    await build_archive(options)
    before = page(tmp_path, world, decision)

    # Two days before it is due, at 05:00 UTC (before the schedule's digests).
    with clock.frozen_at(era + timedelta(days=8, hours=-3)):
        report = await run_schedule()
    reminded = await build_archive(options)

    assert report.steps.get("follow-up due") == 1
    assert counts(reminded) == (0, 0, 2, 1)
    assert page(tmp_path, world, decision) == before


async def test_a_full_reading_agrees_with_the_stamps(tmp_path: Path) -> None:
    world = await build_world()
    decisions = [await _closed(world, f"decision {n}") for n in range(3)]
    options = BuildOptions(output=tmp_path, organisations=(world.organisation.slug,))
    await build_archive(options)
    await proposals.link_proposals(
        await world.viewer("mara"),
        (await opened(world, title="Otra")).id,
        decisions[1].id,
        LinkKind.RELATED,
    )
    await build_archive(options)

    full = await build_archive(replace(options, full=True))

    assert counts(full) == (0, 0, 3, 3)


async def test_worker_processes_render_the_same_site(tmp_path: Path) -> None:
    world = await build_world()
    for n in range(3):
        await _closed(world, f"decision {n}")
    slug = world.organisation.slug
    alone, workers = tmp_path / "alone", tmp_path / "workers"

    await build_archive(BuildOptions(output=alone, organisations=(slug,), processes=1))
    report = await build_archive(BuildOptions(output=workers, organisations=(slug,), processes=2))

    assert report.new == 3
    assert site_files(alone) == site_files(workers)
