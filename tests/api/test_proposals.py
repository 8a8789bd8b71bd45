"""Drafting, editing and revising proposals: every version kept, stale edits refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import pytest

from actas.api import clock
from actas.api.domain.errors import (
    Forbidden,
    NotFound,
    ValidationFailed,
    VersionConflict,
)
from actas.api.domain.events import EventType
from actas.api.domain.validation import Impact
from actas.api.domain.vocabulary import (
    Language,
    LinkKind,
    ParticipantRole,
    PositionStance,
    ProposalState,
    RuleKind,
    TokenScope,
    Visibility,
)
from actas.api.models import (
    Notification,
    Organisation,
    Participant,
    Proposal,
    ProposalLink,
    ProposalTag,
    ProposalVersion,
)
from actas.api.services import debate, proposals
from actas.api.services.tallies import current_tally as proposals_tally
from actas.api.settings import Settings
from tests.factories import World, build_world, draft, opened

T0 = datetime(2031, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
async def world(database: Settings) -> World:
    return await build_world()


# --- drafting ------------------------------------------------------------------------------------


async def test_a_draft_starts_at_version_one_with_the_organisations_rule(world: World) -> None:
    before = await world.last_seq()
    with clock.frozen_at(T0):
        proposal = await draft(
            world,
            tags=["Checkout", "ux", "ux "],
            impact=Impact(metric="conversion", baseline="2.1 %", target="2.5 %"),
            participants={"teo": ParticipantRole.REQUIRED},
        )

    assert proposal.state == ProposalState.DRAFT
    assert proposal.version == 1
    assert proposal.author_id == world.id("mara")
    assert (proposal.rule, proposal.threshold, proposal.quorum) == (RuleKind.CONSENT, 0.5, 0.5)
    [version] = await ProposalVersion.filter(proposal_id=proposal.id)
    assert (version.number, version.title, version.change_note) == (
        1,
        proposal.title,
        "Primer borrador.",  # the default text, in the organisation's language (Spanish)
    )
    assert await _tags(proposal) == ["checkout", "ux"]
    [event] = await world.events_since(before)
    payload = orjson.loads(event.payload)
    assert event.type == EventType.PROPOSAL_DRAFTED
    assert (event.actor_id, event.proposal_id, event.created_at) == (
        world.id("mara"),
        proposal.id,
        T0,
    )
    assert payload["reference"] == f"{world.organisation.slug.upper()}-{proposal.number}"
    assert payload["tags"] == ["checkout", "ux"]
    assert payload["participants"] == {str(world.id("teo")): "required"}
    assert payload["impact"]["metric"] == "conversion"


async def test_proposal_numbers_count_up_within_an_organisation(world: World) -> None:
    first = await draft(world)
    second = await draft(world, "ana")
    other_world = await build_world(people={}, units=())
    elsewhere = await draft(other_world, "admin")

    assert second.number == first.number + 1
    assert elsewhere.number == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "  "}, "title"),
        ({"summary": ""}, "summary"),
        ({"title": "x" * 301}, "title"),
        ({"tags": ["Not a tag!"]}, "tags"),
        ({"tags": [f"t{i}" for i in range(11)]}, "tags"),
        ({"visibility": Visibility.UNIT}, "unit"),
        ({"rule": RuleKind.MAJORITY, "threshold": 0.0}, "threshold"),
        ({"quorum": 2.0}, "quorum"),
        ({"deadline": T0 - timedelta(seconds=1)}, "deadline"),
        ({"deadline": T0}, "deadline"),
        ({"deadline": datetime(2031, 4, 1)}, "deadline"),  # no time zone
    ],
)
async def test_a_bad_draft_is_refused_and_records_nothing(
    world: World, fields: dict[str, Any], field: str
) -> None:
    before = await world.last_seq()
    count = await Proposal.filter(organisation_id=world.organisation.id).count()

    with clock.frozen_at(T0), pytest.raises(ValidationFailed) as refused:
        await draft(world, **fields)

    assert refused.value.field == field
    assert await Proposal.filter(organisation_id=world.organisation.id).count() == count
    assert await world.events_since(before) == []


async def test_a_draft_in_a_unit_of_another_organisation_is_refused(world: World) -> None:
    other = await build_world()
    with pytest.raises(ValidationFailed) as refused:
        await proposals.draft_proposal(
            await world.viewer("mara"),
            world.organisation.id,
            proposals.ProposalDraft(
                title="T", summary="S", body="", unit_id=other.units["marketing"].id
            ),
        )
    assert refused.value.field == "unit"


async def test_a_deadline_in_the_future_is_kept(world: World) -> None:
    with clock.frozen_at(T0):
        proposal = await draft(world, deadline=T0 + timedelta(days=7))
    assert proposal.deadline == T0 + timedelta(days=7)


async def test_opening_after_the_deadline_passed_is_refused(world: World) -> None:
    with clock.frozen_at(T0):
        proposal = await draft(world, deadline=T0 + timedelta(days=1))
    with clock.frozen_at(T0 + timedelta(days=2)), pytest.raises(ValidationFailed) as refused:
        await proposals.open_proposal(await world.viewer("mara"), proposal.id)
    assert refused.value.field == "deadline"
    assert (await Proposal.get(id=proposal.id)).state == ProposalState.DRAFT


@pytest.mark.parametrize(("who", "scope"), [("olga", TokenScope.WRITE), ("mara", TokenScope.READ)])
async def test_observers_and_read_only_tokens_draft_nothing(
    world: World, who: str, scope: TokenScope
) -> None:
    viewer = await world.viewer(who, scope)
    with pytest.raises(Forbidden):
        await proposals.draft_proposal(
            viewer, world.organisation.id, proposals.ProposalDraft(title="T", summary="S", body="")
        )


# --- metadata ------------------------------------------------------------------------------------


async def test_metadata_changes_are_recorded_with_the_whole_new_metadata(world: World) -> None:
    proposal = await opened(world, tags=["a"])
    before = await world.last_seq()

    with clock.frozen_at(T0):
        updated = await proposals.update_proposal(
            await world.viewer("mara"),
            proposal.id,
            proposals.ProposalChanges(
                tags=["b", "a"], deadline=T0 + timedelta(days=3), impact=Impact(metric="nps")
            ),
        )

    assert updated.deadline == T0 + timedelta(days=3)
    assert updated.impact_metric == "nps"
    assert await _tags(proposal) == ["a", "b"]
    [event] = await world.events_since(before)
    payload = orjson.loads(event.payload)
    assert event.type == EventType.PROPOSAL_UPDATED
    assert payload["tags"] == ["a", "b"]
    assert payload["deadline"] == (T0 + timedelta(days=3)).isoformat()


async def test_a_deadline_moved_into_the_past_is_refused(world: World) -> None:
    with clock.frozen_at(T0):
        proposal = await opened(world)
        with pytest.raises(ValidationFailed) as refused:
            await proposals.update_proposal(
                await world.viewer("mara"),
                proposal.id,
                proposals.ProposalChanges(deadline=T0 - timedelta(minutes=1)),
            )
    assert refused.value.field == "deadline"
    assert (await Proposal.get(id=proposal.id)).deadline is None


async def test_a_change_that_changes_nothing_records_nothing(world: World) -> None:
    proposal = await opened(world, tags=["a"])
    before = await world.last_seq()

    await proposals.update_proposal(
        await world.viewer("mara"), proposal.id, proposals.ProposalChanges(tags=["a"])
    )

    assert await world.events_since(before) == []


@pytest.mark.parametrize(
    "changes",
    [
        proposals.ProposalChanges(visibility=Visibility.PARTICIPANTS),
        proposals.ProposalChanges(rule=RuleKind.MAJORITY),
        proposals.ProposalChanges(quorum=0.9),
        proposals.ProposalChanges(clear_unit=True),
    ],
)
async def test_audience_and_rule_are_fixed_once_the_debate_opens(
    world: World, changes: proposals.ProposalChanges
) -> None:
    proposal = await opened(world, unit="marketing")
    with pytest.raises(ValidationFailed) as refused:
        await proposals.update_proposal(await world.viewer("mara"), proposal.id, changes)
    assert refused.value.field == "state"


async def test_an_open_proposal_accepts_its_unchanged_audience_and_rule_back(
    world: World,
) -> None:
    proposal = await opened(world, unit="marketing")
    same_form = proposals.ProposalChanges(
        unit_id=world.units["marketing"].id,
        visibility=Visibility.ORGANISATION,
        rule=RuleKind(proposal.rule),
        tags=["checkout"],
    )

    await proposals.update_proposal(await world.viewer("mara"), proposal.id, same_form)

    tags = await ProposalTag.filter(proposal_id=proposal.id).values_list("tag", flat=True)
    assert list(tags) == ["checkout"]


async def test_a_draft_can_change_its_audience_and_rule(world: World) -> None:
    proposal = await draft(world)
    updated = await proposals.update_proposal(
        await world.viewer("mara"),
        proposal.id,
        proposals.ProposalChanges(
            unit_id=world.units["marketing"].id,
            visibility=Visibility.UNIT,
            rule=RuleKind.MAJORITY,
            threshold=0.6,
        ),
    )
    stored = await Proposal.get(id=proposal.id)
    assert (stored.unit_id, stored.visibility) == (world.units["marketing"].id, Visibility.UNIT)
    assert (stored.rule, stored.threshold) == (RuleKind.MAJORITY, 0.6)
    assert updated.rule == RuleKind.MAJORITY


@pytest.mark.parametrize("who", ["ana", "teo"])
async def test_only_the_author_or_an_admin_changes_a_proposal(world: World, who: str) -> None:
    proposal = await opened(world)
    with pytest.raises(Forbidden):
        await proposals.update_proposal(
            await world.viewer(who), proposal.id, proposals.ProposalChanges(tags=["x"])
        )
    await proposals.update_proposal(
        await world.viewer("admin"), proposal.id, proposals.ProposalChanges(tags=["x"])
    )
    assert await _tags(proposal) == ["x"]


# --- versions ------------------------------------------------------------------------------------


async def test_every_revision_is_kept_with_its_change_note(world: World) -> None:
    proposal = await opened(world, title="First title", body="First body.")
    mara = await world.viewer("mara")
    before = await world.last_seq()

    await proposals.revise_proposal(
        mara, proposal.id, expected_version=1, change_note="Clearer title.", title="Second title"
    )
    revised = await proposals.revise_proposal(
        await world.viewer("admin"),
        proposal.id,
        expected_version=2,
        change_note="  Added the metric.  ",
        body="Second body.",
    )

    assert revised.version == 3
    stored = await Proposal.get(id=proposal.id)
    assert (stored.version, stored.title, stored.body) == (3, "Second title", "Second body.")
    versions = await ProposalVersion.filter(proposal_id=proposal.id).order_by("number")
    assert [(v.number, v.title, v.body, v.change_note) for v in versions] == [
        (1, "First title", "First body.", "Primer borrador."),
        (2, "Second title", "First body.", "Clearer title."),
        (3, "Second title", "Second body.", "Added the metric."),
    ]
    assert [v.author_id for v in versions] == [
        world.id("mara"),
        world.id("mara"),
        world.id("admin"),
    ]
    events = await world.events_since(before)
    assert [e.type for e in events] == [EventType.PROPOSAL_REVISED] * 2
    assert orjson.loads(events[1].payload) == {
        "version": 3,
        "change_note": "Added the metric.",
        "title": "Second title",
        "summary": stored.summary,
        "body": "Second body.",
    }


async def test_a_stale_version_is_a_conflict_and_saves_nothing(world: World) -> None:
    proposal = await opened(world)
    mara = await world.viewer("mara")
    await proposals.revise_proposal(
        mara, proposal.id, expected_version=1, change_note="Mine first.", body="Mine."
    )
    before = await world.last_seq()

    with pytest.raises(VersionConflict) as conflict:
        await proposals.revise_proposal(
            await world.viewer("admin"),
            proposal.id,
            expected_version=1,
            change_note="Theirs.",
            body="Theirs.",
        )

    assert (conflict.value.expected, conflict.value.current) == (1, 2)
    stored = await Proposal.get(id=proposal.id)
    assert (stored.version, stored.body) == (2, "Mine.")
    assert await ProposalVersion.filter(proposal_id=proposal.id).count() == 2
    assert await world.events_since(before) == []


async def test_a_version_from_the_future_is_a_conflict_too(world: World) -> None:
    proposal = await opened(world)
    with pytest.raises(VersionConflict):
        await proposals.revise_proposal(
            await world.viewer("mara"), proposal.id, expected_version=5, change_note="n", body="b"
        )


async def test_a_revision_that_changes_nothing_is_refused(world: World) -> None:
    proposal = await opened(world, body="Same.")
    with pytest.raises(ValidationFailed, match="changes nothing"):
        await proposals.revise_proposal(
            await world.viewer("mara"),
            proposal.id,
            expected_version=1,
            change_note="n",
            body="Same.",
        )
    assert await ProposalVersion.filter(proposal_id=proposal.id).count() == 1


async def test_a_revision_needs_a_change_note(world: World) -> None:
    proposal = await opened(world)
    with pytest.raises(ValidationFailed) as refused:
        await proposals.revise_proposal(
            await world.viewer("mara"), proposal.id, expected_version=1, change_note=" ", body="b"
        )
    assert refused.value.field == "change_note"


async def test_only_the_author_or_an_admin_revises(world: World) -> None:
    proposal = await opened(world, participants={"teo": ParticipantRole.DECIDER})
    with pytest.raises(Forbidden):
        await proposals.revise_proposal(
            await world.viewer("teo"), proposal.id, expected_version=1, change_note="n", body="b"
        )
    assert await ProposalVersion.filter(proposal_id=proposal.id).count() == 1


# --- participants --------------------------------------------------------------------------------


async def test_participants_are_set_changed_and_removed_with_a_record(world: World) -> None:
    proposal = await draft(world)
    mara = await world.viewer("mara")
    before = await world.last_seq()

    await proposals.set_participant(mara, proposal.id, world.id("teo"), ParticipantRole.CONSULTED)
    await proposals.set_participant(mara, proposal.id, world.id("teo"), ParticipantRole.CONSULTED)
    await proposals.set_participant(mara, proposal.id, world.id("teo"), ParticipantRole.DECIDER)
    assert (await Participant.get(proposal_id=proposal.id, user_id=world.id("teo"))).role == (
        ParticipantRole.DECIDER
    )
    await proposals.set_participant(mara, proposal.id, world.id("teo"), None)

    assert not await Participant.exists(proposal_id=proposal.id)
    events = await world.events_since(before)
    assert [(e.type, orjson.loads(e.payload)) for e in events] == [
        (EventType.PARTICIPANT_SET, {"user": world.id("teo"), "role": "consulted"}),
        (EventType.PARTICIPANT_SET, {"user": world.id("teo"), "role": "decider"}),
        (EventType.PARTICIPANT_REMOVED, {"user": world.id("teo")}),
    ]


async def test_on_an_open_proposal_a_voice_that_has_spoken_keeps_its_part(world: World) -> None:
    proposal = await opened(world, rule=RuleKind.CONSENT)
    mara, admin = await world.viewer("mara"), await world.viewer("admin")
    await proposals.set_participant(admin, proposal.id, world.id("teo"), ParticipantRole.DECIDER)
    await proposals.set_participant(mara, proposal.id, world.id("ana"), ParticipantRole.REQUIRED)
    await debate.take_position(
        await world.viewer("ana"), proposal.id, stance=PositionStance.BLOCK, reason="No."
    )

    for role in (ParticipantRole.CONSULTED, ParticipantRole.INFORMED, None):
        with pytest.raises(ValidationFailed, match="has taken a position"):
            await proposals.set_participant(admin, proposal.id, world.id("ana"), role)
    assert (await proposals_tally(proposal)).blocked_by == (world.id("ana"),)


async def test_on_an_open_proposal_nobody_changes_their_own_part(world: World) -> None:
    proposal = await opened(
        world, rule=RuleKind.DECIDER, participants={"teo": ParticipantRole.DECIDER}
    )
    for person in ("mara", "admin"):  # the author; an admin
        with pytest.raises(Forbidden, match="their own part"):
            await proposals.set_participant(
                await world.viewer(person), proposal.id, world.id(person), ParticipantRole.DECIDER
            )


async def test_on_an_open_proposal_only_an_admin_names_a_decider(world: World) -> None:
    proposal = await opened(world)
    mara = await world.viewer("mara")
    with pytest.raises(Forbidden, match="Only an admin"):
        await proposals.set_participant(mara, proposal.id, world.id("teo"), ParticipantRole.DECIDER)
    await proposals.set_participant(mara, proposal.id, world.id("teo"), ParticipantRole.CONSULTED)


async def test_the_deciders_hear_of_each_change_to_who_votes_on_an_open_proposal(
    world: World,
) -> None:
    proposal = await opened(world, participants={"teo": ParticipantRole.DECIDER})
    before = await world.last_seq()
    await proposals.set_participant(
        await world.viewer("mara"), proposal.id, world.id("ana"), ParticipantRole.REQUIRED
    )

    [event] = await world.events_since(before)
    assert orjson.loads(event.payload)["deciders"] == [world.id("teo")]
    told = await Notification.filter(event_id=event.id).values_list("user_id", "reason")
    assert sorted(told) == sorted([(world.id("teo"), "participant"), (world.id("ana"), "invited")])


async def test_removing_someone_who_is_not_a_participant_is_not_found(world: World) -> None:
    proposal = await opened(world)
    with pytest.raises(NotFound):
        await proposals.set_participant(
            await world.viewer("mara"), proposal.id, world.id("teo"), None
        )


async def test_a_participant_must_be_a_member(world: World) -> None:
    proposal = await opened(world)
    outsider = await build_world(people={}, units=())
    with pytest.raises(ValidationFailed) as refused:
        await proposals.set_participant(
            await world.viewer("mara"),
            proposal.id,
            outsider.id("admin"),
            ParticipantRole.CONSULTED,
        )
    assert refused.value.field == "participants"


# --- links ---------------------------------------------------------------------------------------


async def test_a_proposal_supersedes_another_once(world: World) -> None:
    old, new = await opened(world), await opened(world)
    mara = await world.viewer("mara")

    await proposals.link_proposals(mara, new.id, old.id, LinkKind.SUPERSEDES)

    with pytest.raises(ValidationFailed, match="already linked"):
        await proposals.link_proposals(mara, new.id, old.id, LinkKind.SUPERSEDES)
    with pytest.raises(ValidationFailed, match="supersede each other"):
        await proposals.link_proposals(mara, old.id, new.id, LinkKind.SUPERSEDES)
    with pytest.raises(ValidationFailed, match="itself"):
        await proposals.link_proposals(mara, new.id, new.id, LinkKind.RELATED)
    await proposals.link_proposals(mara, old.id, new.id, LinkKind.RELATED)
    assert await ProposalLink.filter(source_id__in=[old.id, new.id]).count() == 2


async def test_a_link_to_a_proposal_the_linker_cannot_see_is_not_found(world: World) -> None:
    hidden = await draft(world, "ana")
    source = await opened(world)
    with pytest.raises(NotFound):
        await proposals.link_proposals(
            await world.viewer("mara"), source.id, hidden.id, LinkKind.RELATED
        )


async def _tags(proposal: Proposal) -> list[str]:
    return sorted(await ProposalTag.filter(proposal_id=proposal.id).values_list("tag", flat=True))


async def test_the_first_version_s_note_is_in_the_organisation_s_language() -> None:
    world = await build_world()
    spanish = await draft(world)
    await Organisation.filter(id=world.organisation.id).update(language=Language.EN)
    english = await draft(world)

    notes = {
        version.proposal_id: version.change_note
        for version in await ProposalVersion.filter(proposal_id__in=[spanish.id, english.id])
    }
    assert notes == {spanish.id: "Primer borrador.", english.id: "First draft."}
