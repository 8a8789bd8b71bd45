"""What becomes of a reply by email (``domain/inbound.py``), without a database: the order of
the checks, who is told, and how a sender is matched."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from actas.api.domain.inbound import AddressFacts, IntakeOutcome, judge, same_person
from actas.api.domain.replies import Reply
from actas.api.domain.vocabulary import PositionStance

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
LIVE = AddressFacts("ana@example.org", NOW + timedelta(days=1))
DEAD = AddressFacts("ana@example.org", NOW)
WRITTEN = Reply(
    message_id="1@client.example",
    sender="ana@example.org",
    keys=("k",),
    in_reply_to=(),
    auto_reply=None,
    text="De acuerdo.\nEs barato.",
    position=PositionStance.AGREE,
    reason="Es barato.",
)


@pytest.mark.parametrize(
    ("reply", "address", "expected"),
    [
        (WRITTEN, LIVE, None),
        (replace(WRITTEN, position=None, text="Es caro.", reason="Es caro."), LIVE, None),
        (replace(WRITTEN, reason=""), LIVE, None),  # "De acuerdo." alone is a position
        (WRITTEN, None, IntakeOutcome.UNKNOWN_ADDRESS),
        # A robot is recognised before anything else about the person: never answered.
        (replace(WRITTEN, auto_reply="X-Autoreply: yes", sender="x@y.z"), DEAD, "auto_reply"),
        (replace(WRITTEN, sender="teo@example.org"), DEAD, IntakeOutcome.SENDER_MISMATCH),
        (replace(WRITTEN, sender=""), LIVE, IntakeOutcome.SENDER_MISMATCH),
        (WRITTEN, DEAD, IntakeOutcome.EXPIRED_ADDRESS),
        (replace(WRITTEN, position=None, text="", reason=""), LIVE, IntakeOutcome.EMPTY),
    ],
)
def test_the_first_rule_that_applies_decides(
    reply: Reply, address: AddressFacts | None, expected: IntakeOutcome | str | None
) -> None:
    assert judge(reply, address, now=NOW) == expected


def test_only_refusals_the_owner_can_act_on_are_answered_and_only_to_the_owner() -> None:
    told = {o for o in IntakeOutcome if o.owner_told}
    assert told == {
        IntakeOutcome.SENDER_MISMATCH,
        IntakeOutcome.EXPIRED_ADDRESS,
        IntakeOutcome.EMPTY,
        IntakeOutcome.REFUSED_BY_RULES,
    }
    assert not told & {o for o in IntakeOutcome if o.posted}


def test_a_sender_matches_whatever_the_case_and_never_when_missing() -> None:
    assert same_person("Ana@Example.ORG", "ana@example.org")
    assert not same_person("", "")
    assert not same_person("ana@example.org.evil", "ana@example.org")
