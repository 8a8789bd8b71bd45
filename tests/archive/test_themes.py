"""What keeps coming back, on the archive's organisation page: the themes of exactly the
decisions the archive publishes (an unpublished proposal never counts, not even in a number),
each with how its decisions ended, its decisions per month, links to them and a listing of them;
the same from the database and from an export."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson

from actas.api import clock
from actas.api.domain.references import format_reference
from actas.api.domain.vocabulary import (
    ParticipantRole,
    ProposalState,
    RuleKind,
    Stance,
    Visibility,
)
from actas.api.models import Proposal
from actas.api.services import debate, proposals, publishing
from actas.archive.audience import Audience
from actas.archive.build import BuildOptions, build_archive
from actas.archive.export import write_export
from actas.archive.texts import texts_for
from tests.archive.dom import find, parse
from tests.archive.test_build import site_files
from tests.archive.test_export import laid_out
from tests.factories import World, build_world, draft

ES = texts_for("es")


async def decided(
    world: World,
    title: str,
    summary: str,
    outcome: ProposalState,
    at: datetime,
    **kwargs: object,
) -> Proposal:
    with clock.frozen_at(at):
        proposal = await draft(
            world,
            title=title,
            summary=summary,
            body=summary,
            rule=RuleKind.DECIDER,
            participants={"admin": ParticipantRole.DECIDER},
            **kwargs,
        )
        await proposals.open_proposal(await world.viewer("mara"), proposal.id)
        await debate.add_argument(
            await world.viewer("ana"), proposal.id, stance=Stance.FOR, body="De acuerdo."
        )
        await proposals.decide_proposal(
            await world.viewer("admin"), proposal.id, outcome=outcome, statement="Decidido."
        )
    return await Proposal.get(id=proposal.id)


async def waiting_world() -> tuple[World, list[Proposal], Proposal]:
    """Two published decisions about waiting times, decided two months apart (accepted, then
    rejected); a third, closed but not publishable (rejected), and a fourth restricted to a
    unit, about the same; and one published decision about something else."""
    world = await build_world()
    admin = await world.viewer("admin")
    start = datetime(clock.now().year + 2, 3, 10, 9, tzinfo=UTC)
    published = [
        await decided(
            world,
            "Reducir el tiempo de espera en caja",
            "Una caja rápida en horas punta.",
            ProposalState.ACCEPTED,
            start,
        ),
        await decided(
            world,
            "Tiempos de espera en la tienda online",
            "El soporte tarda en responder.",
            ProposalState.REJECTED,
            start + timedelta(days=61),
        ),
        await decided(
            world,
            "Ahorro de energía en tiendas",
            "Iluminación LED en todas las tiendas.",
            ProposalState.ACCEPTED,
            start + timedelta(days=62),
        ),
    ]
    internal = await decided(
        world,
        "Menos tiempo de espera al teléfono",
        "Más personas en el centro de llamadas.",
        ProposalState.REJECTED,
        start + timedelta(days=63),
    )
    await decided(
        world,
        "Tiempo de espera en el almacén",
        "Turnos de carga más cortos.",
        ProposalState.REJECTED,
        start + timedelta(days=64),
        visibility=Visibility.UNIT,
        unit="marketing",
    )
    for proposal in published:
        await publishing.set_publishable(admin, proposal.id, publishable=True)
    return world, published, internal


def theme_named(page: Path, phrase: str) -> dict[str, object]:
    """What the organisation page says of one theme."""
    for item in find(parse(page.read_text()), "li", "actas-theme"):
        [head] = find(item, "a", "actas-theme__phrase")
        if head.text() != phrase:
            continue
        problem = find(item, "strong", "actas-theme__problem")
        [decisions] = find(item, "ul", "actas-theme__decisions")
        return {
            "href": head.attrs["href"],
            "count": find(item, "span", "actas-theme__count")[0].text(),
            "problem": problem[0].text() if problem else None,
            "outcomes": find(item, "p", "actas-theme__outcomes")[0].text(),
            "trend": find(item, "title")[0].text(),
            "bars": len(find(item, "rect")),
            "links": [a.attrs["href"] for a in find(decisions, "a")],
        }
    raise AssertionError(f"no theme {phrase!r} on {page}")


async def test_the_organisation_page_lists_a_theme_of_the_published_decisions(
    tmp_path: Path,
) -> None:
    world, published, internal = await waiting_world()
    slug = world.organisation.slug
    out = tmp_path / "public"

    await build_archive(
        BuildOptions(output=out, organisations=(slug,), audience=Audience.PUBLIC, language="es")
    )

    first, second = (format_reference(slug, p.number) for p in published[:2])
    march = ES.format_month(published[0].closed_at.date())
    may = ES.format_month(published[1].closed_at.date())
    theme = theme_named(out / slug / "index.html", "tiempo de espera")
    assert theme == {
        "href": "theme/tiempo-de-espera/",
        "count": "2 decisiones",
        "problem": None,  # one rejected: not yet a recurring problem
        "outcomes": "Aceptada 1 · Rechazada 1",
        "trend": f"{ES.per_month}: {march}: 1; {may}: 1",
        "bars": 2,  # of three months: the one between has none
        "links": [f"{second}/", f"{first}/"],  # newest first
    }
    listing = (out / slug / "theme" / "tiempo-de-espera" / "index.html").read_text()
    assert first in listing and second in listing and "Tema: tiempo de espera" in listing
    # Neither the proposal that is not publishable nor the restricted one counts or shows.
    hidden = format_reference(slug, internal.number)
    assert all(hidden not in text for text in (listing, (out / slug / "index.html").read_text()))


async def test_for_the_members_the_decision_every_member_may_see_counts_too(
    tmp_path: Path,
) -> None:
    # The control of the test above: the same world's members' archive, where the decision that
    # is not publishable is published, counts it, and the theme becomes a recurring problem.
    world, _, internal = await waiting_world()
    slug = world.organisation.slug
    out = tmp_path / "members"

    await build_archive(BuildOptions(output=out, organisations=(slug,), language="es"))

    theme = theme_named(out / slug / "index.html", "tiempo de espera")
    assert theme["count"] == "3 decisiones"
    assert theme["problem"] == "Problema recurrente: 2 rechazadas o abandonadas"
    assert theme["outcomes"] == "Aceptada 1 · Rechazada 2"
    assert theme["links"][0] == f"{format_reference(slug, internal.number)}/"
    # The restricted proposal never reaches any archive: three decisions, not four.
    assert "Tiempo de espera en el almacén" not in (out / slug / "index.html").read_text()


async def test_the_themes_built_from_an_export_are_those_built_from_the_database(
    tmp_path: Path,
) -> None:
    world, _, _ = await waiting_world()
    slug = world.organisation.slug
    export = tmp_path / "decisions.json"
    await write_export(Audience.PUBLIC, (slug,), export)

    from_database, from_file = tmp_path / "db", tmp_path / "file"
    await build_archive(
        BuildOptions(output=from_database, organisations=(slug,), audience=Audience.PUBLIC)
    )
    await build_archive(BuildOptions(output=from_file, from_file=export))

    assert "tiempo de espera" in (from_file / slug / "index.html").read_text()
    assert site_files(from_file) == site_files(from_database)


async def test_a_rebuild_that_reads_no_decision_still_counts_every_decision(
    tmp_path: Path,
) -> None:
    # Themes come from every decision's summary, kept in the manifest for those not read again.
    world, published, _ = await waiting_world()
    slug, admin = world.organisation.slug, await world.viewer("admin")
    site = tmp_path / "site"
    options = BuildOptions(output=site, organisations=(slug,), audience=Audience.PUBLIC)
    await build_archive(options)

    await publishing.set_publishable(admin, published[2].id, publishable=False)
    again = await build_archive(options)
    kept = theme_named(site / slug / "index.html", "tiempo de espera")
    full = await build_archive(replace(options, full=True))

    assert (again.read, again.removed) == (0, 1)
    assert kept["count"] == "2 decisiones"
    assert (full.read, full.changed) == (2, 0)
    assert theme_named(site / slug / "index.html", "tiempo de espera") == kept


async def test_an_export_written_before_keyphrases_were_kept_builds_without_themes(
    tmp_path: Path,
) -> None:
    world, _, _ = await waiting_world()
    slug = world.organisation.slug
    export = tmp_path / "decisions.json"
    await write_export(Audience.PUBLIC, (slug,), export)
    plain = orjson.loads(export.read_bytes())
    for decision in plain["decisions"]:
        del decision["keyphrases"]
    export.write_bytes(laid_out(plain))

    report = await build_archive(BuildOptions(output=tmp_path / "site", from_file=export))

    assert report.decisions == 3
    page = (tmp_path / "site" / slug / "index.html").read_text()
    assert 'id="themes"' not in page and not (tmp_path / "site" / slug / "theme").exists()
