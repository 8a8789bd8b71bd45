"""The full-text index, on whichever database the run uses: stemming in each language, accents,
ranking, visibility before ranking, every text kept in step (edits and revisions, concurrent
writers in several processes), and a reindex that equals what the changes built."""

from __future__ import annotations

import re
from typing import Any

import pytest

from actas.api.db import connection, is_postgres
from actas.api.domain.errors import ValidationFailed
from actas.api.domain.vocabulary import (
    Language,
    ParticipantRole,
    ProposalState,
    Stance,
    Visibility,
)
from actas.api.models import Argument, SearchText
from actas.api.services import debate, organisations, proposals, search_index
from actas.api.services.search import Found, ProposalFilter, search_proposals
from actas.api.settings import Settings
from tests.api.test_concurrency import crowd, write_at_once
from tests.factories import World, build_world, draft, opened


async def found(
    world: World, text: str, person: str = "ana", *, first: int = 20, **wanted: Any
) -> list[str]:
    """The titles ``person`` finds for ``text`` in ``world``, best first."""
    return [p.title for p in (await search(world, text, person, first=first, **wanted)).proposals]


async def search(
    world: World, text: str, person: str = "ana", *, first: int = 20, skip: int = 0, **wanted: Any
) -> Found:
    return await search_proposals(
        await world.viewer(person),
        world.organisation.id,
        text,
        ProposalFilter(**wanted),
        first=first,
        skip=skip,
    )


async def in_english(world: World) -> None:
    await organisations.update_organisation(
        await world.viewer("admin"),
        world.organisation.id,
        organisations.OrganisationChanges(language=Language.EN),
    )


# --- stemming and accents -----------------------------------------------------------------------


async def test_a_spanish_plural_finds_the_singular_and_the_other_way_round() -> None:
    world = await build_world()
    await opened(world, title="Abrir la tienda los domingos", summary="Un piloto.", body="Ventas.")
    await opened(world, title="Cerrar las tiendas en agosto", summary="Vacaciones.", body="Menos.")

    assert sorted(await found(world, "tiendas")) == [
        "Abrir la tienda los domingos",
        "Cerrar las tiendas en agosto",
    ]
    assert await found(world, "domingo") == ["Abrir la tienda los domingos"]


async def test_an_english_organisation_stems_in_english() -> None:
    world = await build_world()
    await in_english(world)
    await opened(world, title="Open the stores on Sundays", summary="A pilot.", body="Sales.")
    await opened(world, title="Hire for the store opening", summary="Staff.", body="Two people.")

    assert sorted(await found(world, "store")) == [
        "Hire for the store opening",
        "Open the stores on Sundays",
    ]
    assert await found(world, "hiring") == ["Hire for the store opening"]


async def test_accents_and_case_do_not_matter() -> None:
    world = await build_world()
    await opened(world, title="La decisión de marketing", summary="Resumen.", body="Texto.")

    assert await found(world, "DECISION") == ["La decisión de marketing"]
    assert await found(world, "decisiones márketing") == ["La decisión de marketing"]


async def test_every_word_must_be_found_somewhere_in_the_proposal() -> None:
    world = await build_world()
    target = await opened(world, title="Precio del envío", summary="Bajarlo.", body="Margen.")
    await opened(world, title="Precio del café", summary="Subirlo.", body="Costes.")
    await debate.add_argument(
        await world.viewer("teo"), target.id, stance=Stance.AGAINST, body="Los transportistas."
    )

    assert await found(world, "precio transportista") == ["Precio del envío"]
    assert await found(world, "precio inexistente") == []


async def test_a_search_without_a_word_is_refused() -> None:
    world = await build_world()

    with pytest.raises(ValidationFailed, match="at least one word"):
        await search(world, " ¿? -- ")


# --- ranking and paging -------------------------------------------------------------------------


async def test_a_word_in_the_title_ranks_first_then_in_the_text_then_in_the_debate() -> None:
    world = await build_world()
    debated = await opened(world, title="Cambiar el horario", summary="Antes.", body="Después.")
    await debate.add_argument(
        await world.viewer("teo"), debated.id, stance=Stance.FOR, body="Mejor para el almacén."
    )
    await opened(world, title="Reordenar estanterías", summary="El almacén.", body="Por zonas.")
    await opened(world, title="Ampliar el almacén", summary="Más sitio.", body="En el polígono.")

    assert await found(world, "almacén") == [
        "Ampliar el almacén",
        "Reordenar estanterías",
        "Cambiar el horario",
    ]


async def test_a_ranked_search_pages_by_position_and_says_when_more_follow() -> None:
    world = await build_world()
    for n in range(5):
        await opened(world, title=f"Reunión {n}", summary="Semanal.", body="Acta.")

    first = await search(world, "reunión", first=2)
    second = await search(world, "reunión", first=2, skip=2)
    last = await search(world, "reunión", first=2, skip=4)

    titles = [p.title for page in (first, second, last) for p in page.proposals]
    assert sorted(titles) == [f"Reunión {n}" for n in range(5)]
    assert [page.more for page in (first, second, last)] == [True, True, False]


async def test_filters_narrow_a_search_before_it_ranks() -> None:
    world = await build_world()
    tagged = await draft(world, title="Auditoría de marketing", unit="marketing", tags=["q3"])
    await proposals.open_proposal(await world.viewer("mara"), tagged.id)
    await draft(world, title="Auditoría de tecnología", unit="tecnologia")

    # Her own draft and her open proposal, as the author sees them.
    assert await found(world, "auditoría", "mara", states=[ProposalState.OPEN]) == [
        "Auditoría de marketing"
    ]
    assert await found(world, "auditoría", "mara", tag="Q3") == ["Auditoría de marketing"]
    assert await found(world, "auditoría", "mara", unit_id=world.units["tecnologia"].id) == [
        "Auditoría de tecnología"
    ]
    before = tagged.created_at
    assert await found(world, "auditoría", "mara", proposed_before=before) == []
    assert await found(world, "auditoría", "mara", proposed_after=before) == [
        "Auditoría de tecnología",
        "Auditoría de marketing",
    ]
    # Nobody else sees the draft.
    assert await found(world, "auditoría", "teo") == ["Auditoría de marketing"]


# --- visibility ---------------------------------------------------------------------------------


async def twin(hidden: bool) -> World:
    """An organisation of four proposals holding "presupuesto", and with ``hidden`` a fifth that
    holds it many times, in its title too, which only its participants may see."""
    world = await build_world()
    titles = ["Presupuesto de viajes", "Formación", "Oficina nueva", "Presupuesto anual"]
    for n, title in enumerate(titles):
        proposal = await opened(world, title=title, summary=f"Resumen {n}.", body="Presupuesto.")
        await debate.add_argument(
            await world.viewer("teo"), proposal.id, stance=Stance.FOR, body="Un presupuesto."
        )
    if hidden:
        await opened(
            world,
            "mara",
            title="Presupuesto presupuesto presupuesto",
            summary="Presupuesto y presupuestos.",
            body="Presupuesto " * 50,
            visibility=Visibility.PARTICIPANTS,
            participants={"teo": ParticipantRole.REQUIRED},
        )
    return world


async def test_a_hidden_proposal_changes_neither_what_nor_how_many_an_outsider_finds() -> None:
    plain, with_hidden = await twin(False), await twin(True)

    for text, first in (("presupuesto", 20), ("presupuesto", 2), ("presupuesto anual", 20)):
        outsider = await search(with_hidden, text, "ana", first=first)
        elsewhere = await search(plain, text, "ana", first=first)
        assert [p.title for p in outsider.proposals] == [p.title for p in elsewhere.proposals]
        assert outsider.more == elsewhere.more
    # And those who may see it find it, first.
    assert (await found(with_hidden, "presupuesto", "teo"))[0].startswith("Presupuesto presu")


# --- kept in step -------------------------------------------------------------------------------


async def test_an_edited_argument_and_a_revised_proposal_are_found_by_their_new_words() -> None:
    world = await build_world()
    proposal = await opened(world, title="Nuevo proveedor", summary="Cambiar.", body="Por coste.")
    argument = await debate.add_argument(
        await world.viewer("teo"), proposal.id, stance=Stance.AGAINST, body="Plazos de entrega."
    )

    await debate.edit_argument(await world.viewer("teo"), argument.id, body="Calidad dudosa.")
    await proposals.revise_proposal(
        await world.viewer("mara"),
        proposal.id,
        expected_version=proposal.version,
        change_note="Otro enfoque.",
        title="Proveedor alternativo",
    )

    assert await found(world, "plazos") == []
    assert await found(world, "calidad") == ["Proveedor alternativo"]
    assert await found(world, "nuevo") == []
    assert await found(world, "alternativo") == ["Proveedor alternativo"]


async def snapshot(organisation_id: int) -> list[Any]:
    """What the index holds for an organisation: its ``search_text`` rows and, per proposal, the
    ranked index's terms (their order in the debate is the database's, so counted)."""
    rows = await SearchText.filter(organisation_id=organisation_id).order_by(
        "proposal_id", "argument_id"
    )
    texts = [(r.proposal_id, r.argument_id, r.title, r.terms) for r in rows]
    ids = sorted({r.proposal_id for r in rows})
    marks = ", ".join(f"${n}" if is_postgres() else "?" for n in range(1, len(ids) + 1))
    if is_postgres():
        sql = f"SELECT proposal_id AS id, head::text AS head, document::text AS document FROM proposal_fts WHERE proposal_id IN ({marks}) ORDER BY 1"  # noqa: E501
    else:
        sql = f"SELECT rowid AS id, title, text, debate FROM proposal_fts WHERE rowid IN ({marks}) ORDER BY 1"  # noqa: E501
    ranked = await connection().execute_query_dict(sql, ids)
    if not is_postgres():
        ranked = [row | {"debate": sorted(row["debate"].split())} for row in ranked]
    return [texts, ranked]


async def test_a_reindex_equals_what_the_changes_built() -> None:
    world = await build_world()
    proposal = await opened(world, title="Plan de formación", summary="Cursos.", body="Online.")
    second = await opened(world, title="Semana de cuatro días", summary="Piloto.", body="Junio.")
    for n, body in enumerate(["Caro.", "Necesario para el **equipo**.", "¿Quién lo imparte?"]):
        argument = await debate.add_argument(
            await world.viewer("teo"), (proposal, second)[n % 2].id, stance=Stance.FOR, body=body
        )
    await debate.edit_argument(await world.viewer("teo"), argument.id, body="Lo imparte RR. HH.")
    await proposals.revise_proposal(
        await world.viewer("mara"),
        proposal.id,
        expected_version=proposal.version,
        change_note="Más concreto.",
        summary="Cursos de datos.",
    )
    built = await snapshot(world.organisation.id)

    assert await search_index.reindex(world.organisation.id) == 2

    assert await snapshot(world.organisation.id) == built
    assert len(built[0]) == 2 + 3


async def test_a_word_counts_at_most_three_times_in_a_text_and_a_rebuild_keeps_that() -> None:
    world = await build_world()
    said = await opened(
        world, title="Almacén", summary="Almacén, almacén. " * 3, body="El almacén nuevo."
    )
    built = await snapshot(world.organisation.id)
    ranked = built[1][0]
    if is_postgres():  # 'almacen':1A,2B,3B,4B: the title's once, the text's at weight B
        positions = re.search(r"'almacen':(\S+)", ranked["head"])
        in_text = [p for p in positions.group(1).split(",") if p.endswith("B")] if positions else []
    else:
        in_text = [t for t in ranked["text"].split() if t == "almacen"]

    assert len(in_text) == search_index.MENTIONS == 3
    assert said.summary.lower().count("almacén") == 6
    await connection().execute_query(
        "DELETE FROM proposal_fts" if not is_postgres() else "UPDATE proposal_fts SET head = ''"
    )
    await search_index.refresh_everything(connection())  # what the migration does
    assert await snapshot(world.organisation.id) == built


async def test_concurrent_writers_in_several_processes_keep_the_index_in_step(
    database: Settings,
) -> None:
    processes, users_each, rounds = 3, 2, 3
    world, members = await crowd(processes * users_each)
    proposal = await opened(world, "admin", title="Escribir a la vez")
    groups = [members[i * users_each : (i + 1) * users_each] for i in range(processes)]
    await write_at_once(database, proposal.id, groups, rounds, tag="proceso")

    arguments = await Argument.filter(proposal_id=proposal.id).count()
    indexed = await SearchText.filter(proposal_id=proposal.id, argument_id__isnull=False).count()
    assert arguments == indexed == processes * users_each * rounds
    viewer = await world.viewer("admin")
    for n in range(processes):
        hit = await search_proposals(
            viewer, world.organisation.id, f"proceso{n} round", ProposalFilter(), first=5
        )
        assert [p.id for p in hit.proposals] == [proposal.id]
    built = await snapshot(world.organisation.id)
    await search_index.reindex(world.organisation.id)
    assert await snapshot(world.organisation.id) == built
