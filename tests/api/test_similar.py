"""Decided before? Proposals close to a text, from the full-text index: what counts as close,
what is left out, and that nobody is shown what they may not see."""

from __future__ import annotations

from actas.api.domain.vocabulary import Language, ParticipantRole, Visibility
from actas.api.services.similar import key_terms, similar_to, similar_to_proposal
from tests.factories import World, build_world, opened


async def titles(world: World, text: str, person: str = "ana", first: int = 5) -> list[str]:
    found = await similar_to(await world.viewer(person), world.organisation.id, text, first=first)
    return [s.proposal.title for s in found]


def test_key_terms_leave_out_the_languages_common_words() -> None:
    keys = key_terms("Abrir las tiendas del centro los domingos por la tarde", Language.ES)

    assert keys.terms == ("abrir", "tiend", "centr", "doming")  # "tarde" is common in stopwords-iso
    assert keys.words["tiend"] == "tiendas"


async def test_a_proposal_sharing_two_key_words_is_close_and_one_sharing_one_is_not() -> None:
    world = await build_world()
    await opened(world, title="Abrir las tiendas los domingos", summary="Piloto en el centro.")
    await opened(world, title="Cerrar las tiendas en agosto", summary="Vacaciones del equipo.")
    await opened(world, title="Formación en ventas", summary="Cursos para el equipo.")

    found = await similar_to(
        await world.viewer("ana"),
        world.organisation.id,
        "Apertura dominical de las tiendas del centro",
        first=5,
    )

    assert [(s.proposal.title, s.shared) for s in found] == [
        ("Abrir las tiendas los domingos", ("tiendas", "centro")),
    ]


async def test_a_proposal_is_not_similar_to_itself_nor_to_one_sharing_a_word() -> None:
    world = await build_world()
    own = await opened(world, title="Encuesta NPS tras la compra", summary="Por email, día 3.")
    await opened(world, title="Encuesta de clima laboral", summary="Anual, anónima.")
    await opened(world, title="NPS por email tras cada compra", summary="Encuesta corta.")
    await opened(world, title="Email de bienvenida", summary="Tras el registro.")

    found = await similar_to_proposal(await world.viewer("ana"), own, first=5)

    # The survey of the working climate shares one key word ("encuesta"): not close.
    assert [(s.proposal.title, s.shared) for s in found] == [
        ("NPS por email tras cada compra", ("encuesta", "nps", "compra", "email"))
    ]


async def test_a_hidden_proposal_is_never_offered() -> None:
    world = await build_world()
    await opened(
        world,
        "mara",
        title="Despidos en el almacén central",
        summary="Reducir la plantilla del almacén.",
        visibility=Visibility.PARTICIPANTS,
        participants={"teo": ParticipantRole.REQUIRED},
    )

    text = "Plantilla del almacén central"
    assert await titles(world, text, "ana") == []
    assert await titles(world, text, "teo") == ["Despidos en el almacén central"]


async def test_a_text_of_only_common_words_finds_nothing() -> None:
    world = await build_world()
    await opened(world, title="Para todos los que", summary="De la y el.")

    assert await titles(world, "para todos los que de la") == []


async def test_a_word_in_most_proposals_is_still_a_shared_word() -> None:
    world = await build_world()
    for place in ("centro", "puerto", "norte", "sur", "playa"):
        await opened(world, title=f"Abrir las tiendas del {place} los domingos", summary="Piloto.")
    await opened(world, title="Cerrar las tiendas en agosto", summary="Vacaciones del equipo.")

    found = await similar_to(
        await world.viewer("ana"),
        world.organisation.id,
        "Tiendas del centro, puerto, norte y sur en agosto",
        first=1,
    )

    # "tiendas" is in every proposal: not what ranks them, but still a word they share.
    [close] = found
    assert close.shared[0] == "tiendas" and len(close.shared) == 2
