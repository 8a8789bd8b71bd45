"""The debate on an open proposal: threaded arguments and members' positions."""

from __future__ import annotations

from actas.api.domain import payloads
from actas.api.domain import validation as clean
from actas.api.domain.abilities import (
    Ability,
    Situation,
    ensure_able,
    ensure_may_speak_for_others,
)
from actas.api.domain.electorate import ensure_may_block, ensure_may_replace
from actas.api.domain.errors import NotFound, ValidationFailed
from actas.api.domain.lifecycle import ensure_open
from actas.api.domain.permissions import ensure_may_edit_argument
from actas.api.domain.visibility import Viewer
from actas.api.domain.vocabulary import CastBy, PositionStance, ProposalState, RuleKind, Stance
from actas.api.models import Argument, ArgumentRevision, Position, PositionChange
from actas.api.services.electorates import load_electorates
from actas.api.services.proposals import proposal_change
from actas.api.services.tallies import refresh_tallies_of

MAX_REASON = 5_000
# Objections must be explained; agreeing or abstaining may go without words.
REASON_REQUIRED = frozenset({PositionStance.DISAGREE, PositionStance.BLOCK})


async def add_argument(
    viewer: Viewer, proposal_id: int, *, stance: Stance, body: str, parent_id: int | None = None
) -> Argument:
    """An argument on the proposal's current version, or a reply to another argument."""
    body = clean.text(body, field="body", max_length=clean.MAX_BODY)
    async with proposal_change(viewer, proposal_id) as (work, proposal, actor):
        ability = Ability.ARGUE if parent_id is None else Ability.REPLY
        ensure_able(ability, Situation.of(actor, viewer.scope, proposal, now=work.at))
        if parent_id is not None and not await Argument.exists(
            id=parent_id, proposal_id=proposal.id
        ):
            raise ValidationFailed(
                "A reply must answer an argument of the same proposal.", field="parent"
            )
        argument = await Argument.create(
            organisation_id=proposal.organisation_id,
            proposal_id=proposal.id,
            parent_id=parent_id,
            stance=stance,
            body=body,
            author_id=viewer.user_id,
            proposal_version=proposal.version,
            created_at=work.at,
        )
        work.record(
            payloads.argument_added(
                argument=argument.id,
                parent=parent_id,
                stance=stance,
                body=body,
                proposal_version=proposal.version,
            ),
            proposal_id=proposal.id,
        )
    return argument


async def edit_argument(
    viewer: Viewer, argument_id: int, *, body: str, stance: Stance | None = None
) -> Argument:
    """Its author corrects an argument; the earlier text is kept."""
    body = clean.text(body, field="body", max_length=clean.MAX_BODY)
    found = await Argument.filter(id=argument_id).first().values("proposal_id")
    if found is None:
        raise NotFound("argument", argument_id)
    try:
        async with proposal_change(viewer, found["proposal_id"]) as (work, proposal, _actor):
            ensure_open(ProposalState(proposal.state), "editing an argument")
            argument = await Argument.get(id=argument_id)
            ensure_may_edit_argument(viewer.user_id, argument.author_id)
            new_stance = stance or Stance(argument.stance)
            if body == argument.body and new_stance == argument.stance:
                raise ValidationFailed("The edit changes nothing.", field="body")
            await ArgumentRevision.create(
                organisation_id=argument.organisation_id,
                argument=argument,
                revision=argument.revision,
                stance=argument.stance,
                body=argument.body,
                created_at=argument.edited_at or argument.created_at,
            )
            argument.update_from_dict(
                {
                    "body": body,
                    "stance": new_stance,
                    "revision": argument.revision + 1,
                    "edited_at": work.at,
                }
            )
            await argument.save(update_fields=["body", "stance", "revision", "edited_at"])
            work.record(
                payloads.argument_edited(
                    argument=argument.id, revision=argument.revision, stance=new_stance, body=body
                ),
                proposal_id=proposal.id,
            )
    except NotFound:
        # Its proposal is hidden from the viewer, so the argument is too: say so exactly as for
        # a missing argument, without naming the proposal.
        raise NotFound("argument", argument_id) from None
    return argument


async def take_position(
    viewer: Viewer,
    proposal_id: int,
    *,
    stance: PositionStance,
    reason: str = "",
    on_behalf_of: int | None = None,
    note: str = "",
) -> Position:
    """Set a member's one current position on an open proposal (the viewer's own, or, as their
    delegate or a proxy, someone else's); every change is kept."""
    reason = clean.text(
        reason, field="reason", max_length=MAX_REASON, required=stance in REASON_REQUIRED
    )
    note = clean.text(note, field="note", max_length=MAX_REASON, required=False)
    member_id = on_behalf_of if on_behalf_of is not None else viewer.user_id
    async with proposal_change(viewer, proposal_id) as (work, proposal, actor):
        blocking = stance is PositionStance.BLOCK
        for_another = member_id != viewer.user_id
        # Only a block under consent, or a position for someone else, asks who votes.
        electorate = (
            (await load_electorates([proposal]))[proposal.id]
            if for_another or (blocking and proposal.rule == RuleKind.CONSENT)
            else None
        )
        situation = Situation.of(actor, viewer.scope, proposal, now=work.at, electorate=electorate)
        if for_another:
            assert electorate is not None
            ensure_may_speak_for_others(situation)
            may_proxy = actor.member.is_admin or actor.is_decider
            cast = electorate.cast_by(viewer.user_id, member_id, may_proxy=may_proxy, note=note)
            if blocking and proposal.rule == RuleKind.CONSENT:
                ensure_may_block(electorate, member_id)
        else:
            ensure_able(Ability.BLOCK if blocking else Ability.TAKE_POSITION, situation)
            cast = CastBy.MEMBER
        position = await Position.get_or_none(proposal_id=proposal.id, user_id=member_id)
        if position is None:
            position = Position(
                organisation_id=proposal.organisation_id,
                proposal_id=proposal.id,
                user_id=member_id,
                created_at=work.at,
            )
        else:
            ensure_may_replace(CastBy(position.cast_by), cast)
        caster = None if cast is CastBy.MEMBER else viewer.user_id
        note = "" if cast is CastBy.MEMBER else note
        position.update_from_dict(
            {
                "stance": stance,
                "reason": reason,
                "proposal_version": proposal.version,
                "cast_by": cast,
                "caster_id": caster,
                "note": note,
                "updated_at": work.at,
            }
        )
        await position.save()
        await PositionChange.create(
            organisation_id=proposal.organisation_id,
            proposal_id=proposal.id,
            user_id=member_id,
            stance=stance,
            reason=reason,
            proposal_version=proposal.version,
            cast_by=cast,
            caster_id=caster,
            note=note,
            created_at=work.at,
        )
        work.record(
            payloads.position_taken(
                stance=stance,
                reason=reason,
                proposal_version=proposal.version,
                member=None if cast is CastBy.MEMBER else member_id,
                cast_by=cast,
                note=note,
            ),
            proposal_id=proposal.id,
        )
        await refresh_tallies_of([proposal])
    return position
