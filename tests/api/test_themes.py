"""What keeps coming back: each proposal's keyphrases follow its text, and an organisation's
themes count them over what the viewer may see, with outcomes, months and mentions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from actas.api.db import connection
from actas.api.domain import themes as rule
from actas.api.domain.vocabulary import (
    Language,
    ParticipantRole,
    ProposalState,
    Stance,
    Visibility,
)
from actas.api.models import Keyphrase
from actas.api.services import themes
from actas.api.services.debate import add_argument
from actas.api.services.proposals import revise_proposal, withdraw_proposal
from actas.api.services.search import ProposalFilter
from tests.factories import World, build_world, opened

WAITING = [
    ("Reducir el tiempo de espera en caja", "Una caja rápida en horas punta."),
    ("Tiempos de espera en la tienda online", "El soporte tarda en responder."),
    ("Menos tiempo de espera al teléfono", "Más personas en el centro de llamadas."),
]
ENERGY = [
    ("Ahorro de energía en tiendas", "Iluminación LED en todas las tiendas."),
    ("Contrato de energía renovable", "Cambiar de comercializadora."),
]


async def seed(world: World, texts: list[tuple[str, str]], **kwargs: object) -> list[int]:
    return [(await opened(world, title=t, summary=s, **kwargs)).id for t, s in texts]


async def themes_of(world: World, person: str = "ana", **wanted: object) -> dict[str, int]:
    found = await themes.organisation_themes(
        await world.viewer(person), world.organisation.id, ProposalFilter(**wanted), first=10
    )
    return {theme.phrase: len(theme.proposal_ids) for theme in found}


def test_a_phrase_and_its_plural_are_one_key_and_no_phrase_spans_title_and_text() -> None:
    one = rule.keyphrases("Tiempo de espera", "Abrir una caja rápida.", Language.ES)
    other = rule.keyphrases("Tiempos de espera", "Otra caja rápida.", Language.ES)

    assert {p.key for p in one} & {p.key for p in other} >= {"tiemp de esper"}
    assert all("espera abrir" not in p.phrase.lower() for p in one)


async def test_a_phrase_of_several_proposals_is_a_theme_and_one_of_a_single_proposal_is_not() -> (
    None
):
    world = await build_world()
    await seed(world, WAITING)
    await seed(world, ENERGY)
    await seed(world, [("Formación en ventas", "Cursos para el equipo comercial.")])

    found = await themes_of(world)

    assert found["tiempo de espera"] == 3
    assert found["energía"] == 2
    assert "ventas" not in found and "Formación" not in found


async def test_a_theme_says_how_its_proposals_ended_by_month_and_where_it_is_mentioned() -> None:
    world = await build_world()
    ids = await seed(world, WAITING)
    await withdraw_proposal(await world.viewer("mara"), ids[0], reason="Ya no hace falta")
    other = await opened(world, title="Nuevo horario de verano", summary="Abrir antes.")
    await add_argument(
        await world.viewer("ana"),
        other.id,
        stance=Stance.FOR,
        body="Así bajaría el tiempo de espera de la mañana.",
    )

    [theme] = [
        t
        for t in await themes.organisation_themes(
            await world.viewer("ana"), world.organisation.id, ProposalFilter(), first=10
        )
        if t.phrase == "tiempo de espera"
    ]

    assert theme.outcomes == {ProposalState.WITHDRAWN: 1, ProposalState.OPEN: 2}
    assert theme.months == [(f"{datetime.now(UTC):%Y-%m}", 3)]
    assert theme.proposal_ids == sorted(ids, reverse=True)  # newest first
    assert theme.mentioned_in == 4  # the summer hours' debate mentions it


async def test_a_hidden_proposal_counts_only_for_those_who_see_it() -> None:
    world = await build_world()
    await seed(world, WAITING[:1])
    await opened(
        world,
        title="Tiempo de espera del almacén",
        summary="Confidencial.",
        visibility=Visibility.PARTICIPANTS,
        participants={"teo": ParticipantRole.REQUIRED},
    )

    assert "tiempo de espera" not in await themes_of(world, "ana")
    assert (await themes_of(world, "teo"))["tiempo de espera"] == 2


async def test_themes_follow_filters_and_each_change_of_a_text() -> None:
    world = await build_world()
    ids = await seed(world, WAITING)
    assert await themes_of(world, proposed_after=datetime.now(UTC) + timedelta(days=1)) == {}
    assert await themes_of(world, tag="nada") == {}
    assert (await themes_of(world))["tiempo de espera"] == 3

    mara = await world.viewer("mara")
    for pid in ids[:2]:
        await revise_proposal(
            mara,
            pid,
            expected_version=1,
            change_note="Otro tema",
            title="Ahorro de energía en tiendas",
            summary="Iluminación LED.",
        )

    found = await themes_of(world)  # not the answer cached before the change
    assert "tiempo de espera" not in found
    assert found["ahorro de energía"] == 2


async def test_reindex_extracts_the_same_phrases_as_each_change_did() -> None:
    world = await build_world()
    await seed(world, WAITING + ENERGY)
    mine = Keyphrase.filter(organisation_id=world.organisation.id)
    kept = sorted(await mine.values_list("proposal_id", "key", "phrase"))
    await mine.delete()

    assert await themes.reindex(world.organisation.id) == 5
    assert sorted(await mine.values_list("proposal_id", "key", "phrase")) == kept


async def test_the_migration_extracts_the_phrases_of_what_was_written_before_it() -> None:
    world = await build_world()
    await seed(world, WAITING)
    mine = Keyphrase.filter(organisation_id=world.organisation.id)
    kept = sorted(await mine.values_list("proposal_id", "key", "phrase"))
    await Keyphrase.all().delete()  # the migration finds the table empty

    await themes.extract_everything(connection())  # as migration 0011 calls it

    assert sorted(await mine.values_list("proposal_id", "key", "phrase")) == kept
