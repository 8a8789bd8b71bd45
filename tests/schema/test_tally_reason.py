"""A tally's reason reaches each reader in their own language, and a tally stored when reasons
were English sentences still reads back with its sentence."""

from __future__ import annotations

import orjson

from actas.api.domain.vocabulary import Language, ParticipantRole, PositionStance, RuleKind
from actas.api.models import Proposal, User
from actas.api.services import debate
from tests.factories import build_world, opened
from tests.schema.client import Api, token
from tests.schema.stories import reference

TALLY = """query($r: String!) { proposal(reference: $r) { tally { verdict reason } } }"""


async def test_the_reason_is_in_each_viewer_s_language(api: Api) -> None:
    world = await build_world()
    proposal = await opened(
        world, participants={"teo": ParticipantRole.REQUIRED}, rule=RuleKind.CONSENT
    )
    await User.filter(id=world.id("mara")).update(language=Language.EN)
    ref = reference(world, proposal)
    ana, mara = await token(world, "ana"), await token(world, "mara")

    waiting_es = (await api.run(TALLY, {"r": ref}, token=ana))["proposal"]["tally"]
    waiting_en = (await api.run(TALLY, {"r": ref}, token=mara))["proposal"]["tally"]
    await debate.take_position(
        await world.viewer("teo"), proposal.id, stance=PositionStance.BLOCK, reason="No."
    )
    blocked_es = (await api.run(TALLY, {"r": ref}, token=ana))["proposal"]["tally"]
    blocked_en = (await api.run(TALLY, {"r": ref}, token=mara))["proposal"]["tally"]

    assert waiting_es == {
        "verdict": None,
        "reason": "Ningún bloqueo por ahora; falta 1 voz necesaria y el plazo no ha vencido.",
    }
    assert waiting_en["reason"] == (
        "No block so far; 1 required voice has not spoken and the deadline has not passed."
    )
    assert blocked_es == {"verdict": "REJECTED", "reason": "Lo bloquea 1 voz."}
    assert blocked_en == {"verdict": "REJECTED", "reason": "Blocked by 1 voice."}


async def test_a_reason_stored_as_an_english_sentence_still_reads_back(api: Api) -> None:
    world = await build_world()
    proposal = await opened(world, rule=RuleKind.MAJORITY)
    stored = await Proposal.get(id=proposal.id)
    old = {**orjson.loads(stored.tally), "reason": "83 % agree, 60 % needed."}
    old.pop("voices")  # as tallies were stored then
    await Proposal.filter(id=proposal.id).update(tally=orjson.dumps(old).decode())
    await User.filter(id=world.id("mara")).update(language=Language.EN)
    ref = reference(world, proposal)

    for person in ("ana", "mara"):  # Spanish and English readers alike
        tally = await api.run(TALLY, {"r": ref}, token=await token(world, person))
        assert tally["proposal"]["tally"]["reason"] == "83 % agree, 60 % needed."
