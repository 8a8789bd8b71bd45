"""Event payloads have a shape: every event type has one constructor and one type, a payload is
stored as exactly the dict recorded before payloads had types (so the hash chain and the golden
archive pages do not move), and is read back, by the same type, equal to what was recorded."""

from __future__ import annotations

import dataclasses

import orjson
import pytest

from actas.api.domain import payloads
from actas.api.domain.events import EventType
from actas.api.domain.vocabulary import (
    CastBy,
    DelegationScope,
    FollowUpStatus,
    Language,
    LinkKind,
    OutcomeVerdict,
    ParticipantRole,
    PositionStance,
    ProposalState,
    Role,
    RuleKind,
    Stance,
    Visibility,
)
from actas.api.models import Event, Invitation
from actas.api.services import invitations
from actas.api.services.organisations import MembershipTerms
from actas.api.services.recording import change
from tests.factories import build_world

IMPACT = payloads.Impact(metric="Conversión", baseline="2,1 %", target="2,4 %", by="2033-03-01")
RULE = payloads.RuleTerms(kind=RuleKind.MAJORITY, threshold=0.67, quorum=0.5)
METADATA = payloads.proposal_updated(
    unit=3,
    visibility=Visibility.UNIT,
    impact=IMPACT,
    tags=["checkout", "ab-test"],
    deadline="2033-01-31T17:00:00+00:00",
    rule=RULE,
)
STORED_METADATA = {
    "unit": 3,
    "visibility": "unit",
    "impact": {"metric": "Conversión", "baseline": "2,1 %", "target": "2,4 %", "by": "2033-03-01"},
    "tags": ["checkout", "ab-test"],
    "deadline": "2033-01-31T17:00:00+00:00",
    "rule": {"kind": "majority", "threshold": 0.67, "quorum": 0.5},
}
TALLY = payloads.TallySummary(
    weights={"agree": 3, "disagree": 1},
    counts={"agree": 3, "disagree": 1},
    eligible_weight=5,
    verdict=ProposalState.ACCEPTED,
)
STORED_TALLY = {
    "weights": {"agree": 3, "disagree": 1},
    "counts": {"agree": 3, "disagree": 1},
    "eligible_weight": 5,
    "verdict": "accepted",
}
CLOSING = {"previous": ProposalState.OPEN, "statement": "Por el test.", "tally": TALLY}
STORED_CLOSING = {"from": "open", "statement": "Por el test.", "tally": STORED_TALLY}
MEMBERSHIP = {
    "membership": 4,
    "user": 9,
    "unit": None,
    "title": "PM",
    "role": Role.MEMBER,
    "external": True,
    "weight": 0,
}
STORED_MEMBERSHIP = MEMBERSHIP | {"role": "member"}

# One payload of every event type, built by its constructor, beside the dict the services
# recorded for it before payloads had types.
SAMPLES: list[tuple[payloads.Payload, dict[str, object]]] = [
    (
        payloads.organisation_created(
            slug="brisa",
            name="Almacenes Brisa",
            language=Language.ES,
            default_rule=RuleKind.CONSENT,
            majority_threshold=0.5,
            quorum=0,
        ),
        {
            "slug": "brisa",
            "name": "Almacenes Brisa",
            "language": "es",
            "default_rule": "consent",
            "majority_threshold": 0.5,
            "quorum": 0,
        },
    ),
    (
        payloads.organisation_updated(name="Brisa", reminder_hours="48,24"),
        {"name": "Brisa", "reminder_hours": "48,24"},
    ),
    (
        payloads.unit_created(unit=2, name="Datos", parent=None, head=7),
        {"unit": 2, "name": "Datos", "parent": None, "head": 7},
    ),
    (
        payloads.unit_updated(unit=2, name="Datos", parent=1, head=None),
        {"unit": 2, "name": "Datos", "parent": 1, "head": None},
    ),
    (payloads.member_added(**MEMBERSHIP), STORED_MEMBERSHIP),
    (payloads.member_updated(**MEMBERSHIP), STORED_MEMBERSHIP),
    (
        payloads.member_invited(
            invitation=5,
            terms=payloads.InvitationTerms(
                unit=2, title="", role=Role.OBSERVER, external=False, weight=1
            ),
            expires_at="2032-01-24T10:00:00.000000+00:00",
        ),
        {
            "invitation": 5,
            "terms": {"unit": 2, "title": "", "role": "observer", "external": False, "weight": 1},
            "expires_at": "2032-01-24T10:00:00.000000+00:00",
        },
    ),
    (payloads.invitation_declined(invitation=5), {"invitation": 5}),
    (payloads.invitation_revoked(invitation=6), {"invitation": 6}),
    (
        payloads.proposal_drafted(
            reference="BRISA-7",
            title="Bizum",
            summary="Un test A/B.",
            body="Los clientes lo piden.",
            metadata=METADATA,
            participants={9: ParticipantRole.REQUIRED, 4: ParticipantRole.DECIDER},
        ),
        {
            "reference": "BRISA-7",
            "title": "Bizum",
            "summary": "Un test A/B.",
            "body": "Los clientes lo piden.",
            **STORED_METADATA,
            "participants": {"4": "decider", "9": "required"},
        },
    ),
    (METADATA, STORED_METADATA),
    (
        payloads.proposal_revised(
            version=2, change_note="Más datos", title="Bizum", summary="Un test.", body="Texto"
        ),
        {
            "version": 2,
            "change_note": "Más datos",
            "title": "Bizum",
            "summary": "Un test.",
            "body": "Texto",
        },
    ),
    (
        payloads.proposal_opened(previous=ProposalState.DRAFT, reason=""),
        {"from": "draft", "reason": ""},
    ),
    (
        payloads.proposal_withdrawn(**CLOSING, cited_arguments=[]),
        STORED_CLOSING | {"cited_arguments": []},
    ),
    (
        payloads.proposal_abandoned(**CLOSING, cited_arguments=[]),
        STORED_CLOSING | {"cited_arguments": []},
    ),
    (
        payloads.proposal_accepted(**CLOSING, cited_arguments=[3, 8]),
        STORED_CLOSING | {"cited_arguments": [3, 8]},
    ),
    (
        payloads.proposal_rejected(**CLOSING, cited_arguments=[3]),
        STORED_CLOSING | {"cited_arguments": [3]},
    ),
    (
        payloads.participant_set(user=9, role=ParticipantRole.CONSULTED, deciders=[4]),
        {"user": 9, "role": "consulted", "deciders": [4]},
    ),
    (payloads.participant_removed(user=9), {"user": 9}),
    (
        payloads.proposal_linked(target=12, kind=LinkKind.SUPERSEDES),
        {"target": 12, "kind": "supersedes"},
    ),
    (payloads.proposal_publishable(publishable=True), {"publishable": True}),
    (
        payloads.argument_added(
            argument=8, parent=3, stance=Stance.AGAINST, body="¿Y el coste?", proposal_version=1
        ),
        {"argument": 8, "parent": 3, "stance": "against", "body": "¿Y el coste?"}
        | {"proposal_version": 1},
    ),
    (
        payloads.argument_edited(argument=8, revision=2, stance=Stance.QUESTION, body="¿Coste?"),
        {"argument": 8, "revision": 2, "stance": "question", "body": "¿Coste?"},
    ),
    (
        payloads.position_taken(stance=PositionStance.BLOCK, reason="Riesgo", proposal_version=2),
        {"stance": "block", "reason": "Riesgo", "proposal_version": 2},
    ),
    (
        payloads.AbsenceRecorded(
            absence=3,
            user=12,
            starts_at="2026-12-14T00:00:00.000000+00:00",
            ends_at="2026-12-28T00:00:00.000000+00:00",
            delegations=(payloads.DelegationTerms(14, DelegationScope.UNIT, unit=2),),
        ),
        {
            "absence": 3,
            "user": 12,
            "starts_at": "2026-12-14T00:00:00.000000+00:00",
            "ends_at": "2026-12-28T00:00:00.000000+00:00",
            "delegations": [{"delegate": 14, "scope": "unit", "unit": 2}],
        },
    ),
    (
        payloads.AbsenceChanged(
            absence=3,
            user=12,
            starts_at="2026-12-14T00:00:00.000000+00:00",
            ends_at="2026-12-21T00:00:00.000000+00:00",
        ),
        {
            "absence": 3,
            "user": 12,
            "starts_at": "2026-12-14T00:00:00.000000+00:00",
            "ends_at": "2026-12-21T00:00:00.000000+00:00",
            "delegations": [],
        },
    ),
    (
        payloads.voice_away(
            user=12, until="2026-12-28T00:00:00.000000+00:00", heads=(7,), author=3
        ),
        {"user": 12, "until": "2026-12-28T00:00:00.000000+00:00", "heads": [7], "author": 3},
    ),
    (
        payloads.voice_away(
            user=12,
            until="2026-12-28T00:00:00.000000+00:00",
            heads=(7,),
            author=3,
            probable=True,
            until_stated=False,
        ),
        {
            "user": 12,
            "until": "2026-12-28T00:00:00.000000+00:00",
            "heads": [7],
            "author": 3,
            "until_stated": False,
        },
    ),
    (
        payloads.delegate_asked(user=12, delegate=14, until="2026-12-28T00:00:00.000000+00:00"),
        {"user": 12, "delegate": 14, "until": "2026-12-28T00:00:00.000000+00:00"},
    ),
    (
        payloads.absence_ended(absence=3, user=12, ended_at="2026-12-18T09:00:00.000000+00:00"),
        {"absence": 3, "user": 12, "ended_at": "2026-12-18T09:00:00.000000+00:00"},
    ),
    (
        payloads.deadline_approaching(
            deadline="2033-01-31T17:00:00+00:00", remind=[9, 4], silent_by_head={7: [9, 4]}
        ),
        {
            "deadline": "2033-01-31T17:00:00+00:00",
            "remind": [9, 4],
            "escalate": [7],
            "silent_by_head": {"7": [9, 4]},
        },
    ),
    (
        payloads.deadline_passed(
            reason="Falta una voz", remind=[9], silent_by_head={11: [9], 7: [9]}, author=4
        ),
        {
            "reason": "Falta una voz",
            "remind": [9],
            "escalate": [7, 11],
            "silent_by_head": {"7": [9], "11": [9]},
            "author": 4,
        },
    ),
    (
        payloads.follow_up_added(follow_up=1, title="Medir", owner=9, due="2033-02-01"),
        {"follow_up": 1, "title": "Medir", "owner": 9, "due": "2033-02-01"},
    ),
    (
        payloads.follow_up_updated(
            follow_up=1,
            title="Medir",
            owner=9,
            due="2033-02-01",
            status=FollowUpStatus.DONE,
            note="Hecho",
        ),
        {"follow_up": 1, "title": "Medir", "owner": 9, "due": "2033-02-01"}
        | {"status": "done", "note": "Hecho"},
    ),
    (
        payloads.follow_up_due(follow_up=1, title="Medir", owner=9, due="2033-02-01", overdue=True),
        {"follow_up": 1, "title": "Medir", "owner": 9, "due": "2033-02-01", "overdue": True},
    ),
    (
        payloads.outcome_review_due(metric="Conversión", baseline="2,1 %", target="2,4 %", ask=[4]),
        {"metric": "Conversión", "baseline": "2,1 %", "target": "2,4 %", "ask": [4]},
    ),
    (
        payloads.outcome_recorded(
            metric="Conversión",
            target="2,4 %",
            observed="2,3 %",
            verdict=OutcomeVerdict.PARTLY,
            comment="Casi",
        ),
        {
            "metric": "Conversión",
            "target": "2,4 %",
            "observed": "2,3 %",
            "verdict": "partly",
            "comment": "Casi",
        },
    ),
    (
        payloads.webhook_created(
            webhook=1, endpoint="https://hooks.example:8443", event_types="proposal.opened"
        ),
        {"webhook": 1, "endpoint": "https://hooks.example:8443", "event_types": "proposal.opened"},
    ),
    (
        payloads.webhook_updated(
            webhook=1, endpoint="https://hooks.example:8443", event_types="", active=False
        ),
        {"webhook": 1, "endpoint": "https://hooks.example:8443", "event_types": ""}
        | {"active": False},
    ),
]


def test_every_event_type_has_a_shape_and_each_shape_says_its_type() -> None:
    assert set(payloads.SHAPES) == {t.value for t in EventType}
    for event_type, shape in payloads.SHAPES.items():
        assert shape.event_type == event_type


def test_a_shape_is_an_instance_of_its_own_event_type_only() -> None:
    # Readers tell events apart with isinstance: no event's shape may derive from another's.
    for shape in payloads.SHAPES.values():
        others = [o for o in payloads.SHAPES.values() if o is not shape and issubclass(shape, o)]
        assert others == [], shape


def test_the_samples_below_build_one_payload_of_every_event_type() -> None:
    assert sorted(p.event_type for p, _ in SAMPLES) == sorted(EventType)


@pytest.mark.parametrize(
    ("payload", "recorded"), SAMPLES, ids=[p.event_type.value for p, _ in SAMPLES]
)
async def test_a_payload_is_stored_as_recorded_before_and_read_back_equal(
    payload: payloads.Payload, recorded: dict[str, object]
) -> None:
    world = await build_world()
    if isinstance(payload, payloads.MemberInvited):
        # Telling the invitee reads their invitation: name a real one.
        await invitations.invite_member(
            await world.viewer("admin"),
            world.organisation.id,
            email="nadia@example.org",
            terms=MembershipTerms(),
        )
        invitation = await Invitation.get(organisation_id=world.organisation.id)
        payload = dataclasses.replace(payload, invitation=invitation.id)
        recorded = recorded | {"invitation": invitation.id}
    async with change(world.organisation.id, world.id("admin")) as work:
        work.record(payload)

    event = await Event.filter(organisation_id=world.organisation.id).order_by("-seq").first()

    assert event is not None and event.type == payload.event_type
    assert orjson.loads(event.payload) == recorded
    assert payloads.read(event.type, event.payload) == payload


def test_an_older_record_is_read_with_unknown_keys_ignored_and_missing_ones_defaulted() -> None:
    # Before webhooks were recorded by their endpoint, webhook.created kept the whole URL;
    # before invitations, member.added named none; before escalations, reminders named no heads.
    hook = payloads.read("webhook.created", '{"webhook":1,"url":"https://x/s3cr3t"}')
    member = payloads.read("member.added", orjson.dumps(STORED_MEMBERSHIP))
    reminder = payloads.read("proposal.deadline_approaching", {"deadline": None, "remind": [9]})

    assert hook == payloads.webhook_created(webhook=1, endpoint="", event_types="")
    assert isinstance(member, payloads.MemberAdded) and member.invitation is None
    assert "invitation" not in member.to_payload()
    assert isinstance(reminder, payloads.DeadlineApproaching)
    assert (reminder.remind, reminder.escalate, reminder.silent_named_to(7)) == ((9,), (), [])


def test_a_payload_lacking_a_key_its_shape_needs_is_a_clear_error() -> None:
    with pytest.raises(payloads.PayloadError, match="ArgumentAdded payload has no 'body'"):
        payloads.read("argument.added", {"argument": 8, "parent": None, "stance": "for"})
    with pytest.raises(payloads.PayloadError, match="No payload shape for event type 'x_y'"):
        payloads.read("x_y", {})


def test_read_gives_the_domain_types_back() -> None:
    closed = payloads.read("proposal.accepted", STORED_CLOSING | {"cited_arguments": [3]})

    assert isinstance(closed, payloads.ProposalAccepted)
    assert closed.previous is ProposalState.OPEN
    assert closed.tally.verdict is ProposalState.ACCEPTED
    assert closed.cited_arguments == (3,)


def test_a_position_taken_for_someone_else_records_whose_it_is_how_and_why() -> None:
    proxy = payloads.position_taken(
        stance=PositionStance.AGREE,
        reason="Lo dijo en la reunión",
        proposal_version=1,
        member=12,
        cast_by=CastBy.PROXY,
        note="Reunión del lunes",
    )

    assert proxy.to_payload() == {
        "stance": "agree",
        "reason": "Lo dijo en la reunión",
        "proposal_version": 1,
        "member": 12,
        "cast_by": "proxy",
        "note": "Reunión del lunes",
    }
    assert payloads.read(proxy.event_type, orjson.dumps(proxy.to_payload()).decode()) == proxy
