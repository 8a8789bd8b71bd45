"""Larger arrangements built through the real services: a debated and decided proposal with a
deep thread, revisions, position changes and links, and proposals with long debates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from actas.api.domain.validation import Impact
from actas.api.domain.vocabulary import (
    LinkKind,
    ParticipantRole,
    PositionStance,
    ProposalState,
    Stance,
)
from actas.api.models import Argument, Proposal
from actas.api.services import debate, proposals
from tests.factories import World, draft, opened

DEADLINE = datetime(2099, 1, 31, 12, 0, tzinfo=UTC)


@dataclass
class Debated:
    """A decided proposal and what hangs from it, by name."""

    proposal: Proposal
    arguments: dict[str, Argument]
    successor: Proposal  # supersedes it
    related: Proposal  # relates to it


async def debated_and_decided(world: World) -> Debated:
    """Mara's proposal in marketing, revised once, debated in a thread four levels deep (created
    out of tree order), with positions changed, decided by the admin citing two arguments, then
    superseded by one proposal and related to by another."""
    proposal = await draft(
        world,
        "mara",
        unit="marketing",
        participants={"admin": ParticipantRole.DECIDER, "teo": ParticipantRole.CONSULTED},
        tags=["checkout", "ux"],
        impact=Impact(
            metric="Cart abandonment", baseline="68 %", target="60 %", by=date(2099, 3, 1)
        ),
        deadline=DEADLINE,
    )
    mara = await world.viewer("mara")
    await proposals.revise_proposal(
        mara,
        proposal.id,
        expected_version=1,
        change_note="Name the metric.",
        title="Test a one-page checkout",
    )
    await proposals.open_proposal(mara, proposal.id)
    ana, teo, admin = [await world.viewer(p) for p in ("ana", "teo", "admin")]
    arguments: dict[str, Argument] = {}

    async def argue(name: str, who: str, stance: Stance, body: str, reply_to: str | None) -> None:
        arguments[name] = await debate.add_argument(
            await world.viewer(who),
            proposal.id,
            stance=stance,
            body=body,
            parent_id=arguments[reply_to].id if reply_to else None,
        )

    await argue("root", "ana", Stance.FOR, "Fewer steps, fewer drop-offs.", None)
    await argue("second", "teo", Stance.AGAINST, "Payment providers need two steps.", None)
    await argue("reply", "teo", Stance.QUESTION, "Which provider do you mean?", "root")
    await argue("deeper", "mara", Stance.COMMENT, "Stripe supports one page.", "reply")
    await argue("deepest", "ana", Stance.FOR, "Then the risk is small.", "deeper")
    await debate.edit_argument(
        ana, arguments["root"].id, body="Fewer steps, fewer abandoned carts."
    )
    await debate.take_position(ana, proposal.id, stance=PositionStance.DISAGREE, reason="Too soon.")
    await debate.take_position(teo, proposal.id, stance=PositionStance.AGREE)
    await debate.take_position(ana, proposal.id, stance=PositionStance.AGREE)
    await proposals.decide_proposal(
        admin,
        proposal.id,
        outcome=ProposalState.ACCEPTED,
        statement="Nobody blocks; the provider supports it.",
        cited_argument_ids=[arguments["deeper"].id, arguments["root"].id],
    )
    successor = await opened(world, "mara", title="Roll the checkout out to every market")
    await proposals.link_proposals(mara, successor.id, proposal.id, LinkKind.SUPERSEDES)
    related = await opened(world, "teo", title="Add a second payment provider")
    await proposals.link_proposals(teo, related.id, proposal.id, LinkKind.RELATED)
    return Debated(
        proposal=await Proposal.get(id=proposal.id),
        arguments=arguments,
        successor=successor,
        related=related,
    )


async def with_arguments(world: World, count: int, *, decided: bool = True) -> Proposal:
    """An open (then decided) proposal with ``count`` threaded arguments by three people, three
    positions (one changed) and a decision citing two arguments. Each argument replies to the one
    half its index, so the thread is about log2(count) deep."""
    proposal = await opened(
        world, "mara", participants={"admin": ParticipantRole.DECIDER}, deadline=None
    )
    authors = [await world.viewer(p) for p in ("ana", "teo", "mara")]
    ids: list[int] = []
    for i in range(count):
        argument = await debate.add_argument(
            authors[i % 3],
            proposal.id,
            stance=Stance.FOR if i % 2 else Stance.AGAINST,
            body=f"Argument {i}",
            parent_id=ids[(i - 1) // 2] if i else None,
        )
        ids.append(argument.id)
    ana, teo, admin = [await world.viewer(p) for p in ("ana", "teo", "admin")]
    await debate.take_position(ana, proposal.id, stance=PositionStance.ABSTAIN)
    await debate.take_position(ana, proposal.id, stance=PositionStance.AGREE)
    await debate.take_position(teo, proposal.id, stance=PositionStance.AGREE)
    await debate.take_position(admin, proposal.id, stance=PositionStance.AGREE)
    if decided:
        await proposals.decide_proposal(
            admin,
            proposal.id,
            outcome=ProposalState.ACCEPTED,
            statement="Agreed.",
            cited_argument_ids=[ids[0], ids[-1]],
        )
    return await Proposal.get(id=proposal.id)


def reference(world: World, proposal: Proposal) -> str:
    return f"{world.organisation.slug.upper()}-{proposal.number}"
