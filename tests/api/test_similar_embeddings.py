"""Decided before? by meaning, with the analytics extra: sentence embeddings find a proposal in
another language, follow each change of a text, leave out what is not close and what the viewer
may not see, and are rebuilt by reindex."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from actas.api.domain.vocabulary import ParticipantRole, Visibility
from actas.api.models import ProposalEmbedding
from actas.api.services import embeddings, similar
from actas.api.services.proposals import revise_proposal
from actas.api.services.similar import Engine, similar_to
from actas.api.settings import SettingsError, load_settings
from tests.factories import World, build_world, opened

pytestmark = pytest.mark.skipif(not embeddings.available(), reason="the analytics extra")


@pytest.fixture(autouse=True)
def embeddings_engine() -> Iterator[None]:
    similar.use(Engine.EMBEDDINGS)
    try:
        yield
    finally:
        similar.use(Engine.FULLTEXT)


async def titles(
    world: World, text: str, person: str = "ana", engine: Engine = Engine.EMBEDDINGS
) -> list[str]:
    found = await similar_to(
        await world.viewer(person), world.organisation.id, text, first=3, engine=engine
    )
    return [s.proposal.title for s in found]


async def test_a_translation_is_found_which_words_alone_miss() -> None:
    world = await build_world()
    await opened(
        world,
        title="Open the downtown stores on Sundays",
        summary="Longer trading hours at weekends, for three months.",
    )
    await opened(world, title="Formación en ventas", summary="Cursos para el equipo comercial.")
    draft = "Abrir las tiendas del centro los domingos\nAmpliar el horario durante tres meses."

    assert await titles(world, draft) == ["Open the downtown stores on Sundays"]
    assert await titles(world, draft, engine=Engine.FULLTEXT) == []


async def test_what_is_not_close_in_meaning_is_not_offered() -> None:
    world = await build_world()
    await opened(world, title="Encuesta de clima laboral", summary="Anual y anónima.")

    assert await titles(world, "Cambiar el proveedor de transporte de los almacenes") == []


async def test_a_revised_text_is_compared_by_its_new_words() -> None:
    world = await build_world()
    proposal = await opened(
        world, title="Encuesta NPS tras la compra", summary="Por email, al tercer día."
    )
    question = "Reducir el consumo eléctrico de las tiendas\nLuces LED y horarios."
    assert await titles(world, question) == []

    await revise_proposal(
        await world.viewer("mara"),
        proposal.id,
        expected_version=proposal.version,
        change_note="Otro enfoque",
        title="Ahorro de energía en las tiendas",
        summary="Cambiar la iluminación a LED y apagar a la hora del cierre.",
    )

    assert await titles(world, question) == ["Ahorro de energía en las tiendas"]
    assert await ProposalEmbedding.filter(proposal_id=proposal.id).count() == 1


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

    text = "Recortar personal en el almacén central"
    assert await titles(world, text, "ana") == []
    assert await titles(world, text, "teo") == ["Despidos en el almacén central"]


async def test_reindex_embeds_what_was_written_before_the_extra() -> None:
    world = await build_world()
    similar.use(Engine.FULLTEXT)  # written without the extra: no vector
    await opened(world, title="Open the stores on Sundays", summary="A pilot downtown.")
    similar.use(Engine.EMBEDDINGS)
    question = "Abrir las tiendas los domingos"
    assert await titles(world, question) == []

    assert await embeddings.reindex(world.organisation.id) == 1

    assert await titles(world, question) == ["Open the stores on Sundays"]


def test_the_engine_is_embeddings_when_the_extra_is_installed_unless_told_otherwise() -> None:
    assert load_settings({}).similar_engine == "embeddings"
    assert load_settings({"ACTAS_SIMILAR_ENGINE": "fulltext"}).similar_engine == "fulltext"
    with pytest.raises(SettingsError, match="fulltext, embeddings"):
        load_settings({"ACTAS_SIMILAR_ENGINE": "vectors"})
