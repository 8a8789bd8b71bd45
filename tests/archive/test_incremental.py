"""Republishing: a build reads only decisions whose stamp changed, and still renders again every
page whose content changed, including changes recorded on other proposals (a linked proposal's
title, a new link to a decision) or on no proposal at all (a unit's or a person's name)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from actas.api import clock
from actas.api.domain.references import format_reference
from actas.api.domain.vocabulary import LinkKind, ProposalState, Stance
from actas.api.models import Proposal, User
from actas.api.services import debate, organisations, proposals
from actas.archive.build import BuildOptions, BuildReport, build_archive
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
