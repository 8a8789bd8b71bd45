"""Between a deadline passing and the worker's next round, readers already see what the passed
deadline means: the consent tally says accepted, and waitingForMe stops asking for a position
that can no longer be taken (it keeps the decider, whose decision is still awaited)."""

from __future__ import annotations

from datetime import timedelta

from actas.api import clock
from actas.api.domain.vocabulary import ParticipantRole, RuleKind
from tests.api.receivers import fresh_era
from tests.factories import build_world, opened
from tests.schema.client import Api, token
from tests.schema.stories import reference

PAGE = """query($r: String!) {
  proposal(reference: $r) { tally { verdict reason missingVoices { name } } }
}"""
WAITING = "{ viewer { waitingForMe { reference } } }"


async def test_a_passed_deadline_shows_in_the_tally_and_the_inbox_before_the_worker_acts(
    api: Api,
) -> None:
    era = fresh_era()
    with clock.frozen_at(era):
        world = await build_world()
        proposal = await opened(
            world,
            participants={"teo": ParticipantRole.DECIDER, "ana": ParticipantRole.REQUIRED},
            rule=RuleKind.CONSENT,
            deadline=era + timedelta(days=1),
        )
    ref = reference(world, proposal)
    ana, teo = await token(world, "ana"), await token(world, "teo")

    with clock.frozen_at(era + timedelta(hours=1)):
        before = (await api.run(PAGE, {"r": ref}, token=ana))["proposal"]["tally"]
        ana_waits = (await api.run(WAITING, token=ana))["viewer"]["waitingForMe"]
    with clock.frozen_at(era + timedelta(days=1, hours=1)):
        after = (await api.run(PAGE, {"r": ref}, token=ana))["proposal"]["tally"]
        ana_waits_late = (await api.run(WAITING, token=ana))["viewer"]["waitingForMe"]
        teo_waits_late = (await api.run(WAITING, token=teo))["viewer"]["waitingForMe"]

    assert before["verdict"] is None
    assert {"reference": ref} in ana_waits
    assert (after["verdict"], after["reason"]) == (
        "ACCEPTED",
        "Ningún bloqueo antes de que venciera el plazo.",  # Ana reads Spanish
    )
    assert {"reference": ref} not in ana_waits_late  # her position can no longer be taken
    assert {"reference": ref} in teo_waits_late  # the decider's decision still can
