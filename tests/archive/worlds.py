"""Organisations for the archive's tests, built through the real services.

``hostile_world``: every user-written field holds script payloads (follow-ups' titles and notes
and the outcome review's observed value and comment included); beside the decisions every
member may read it has decisions the archive must never carry (restricted to a unit or to their
participants, a draft, an open proposal), each marked with a word that must appear nowhere in
the output, and a link from a published decision to a restricted one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from actas.api import clock
from actas.api.domain.validation import Impact
from actas.api.domain.vocabulary import (
    FollowUpStatus,
    LinkKind,
    OutcomeVerdict,
    ParticipantRole,
    PositionStance,
    ProposalState,
    Stance,
    Visibility,
)
from actas.api.models import Organisation, Proposal, Unit
from actas.api.services import debate, follow_through, organisations, proposals, publishing
from tests.factories import World, build_world, draft

# Each sets window.__xss or changes document.title if it ever runs.
PAYLOADS = (
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=1">',
    "[link](javascript:window.__xss=1)",
    "[entity](jav&#x61;script:window.__xss=1)",
    "[spaced](  javascript:window.__xss=1 )",
    '<a href="javascript:window.__xss=1">raw link</a>',
    '<svg onload="window.__xss=1"><circle r="1"/></svg>',
    '<iframe src="javascript:window.__xss=1"></iframe>',
    "<style>*{background:url(javascript:window.__xss=1)}</style>",
    'attr list {onclick="window.__xss=1"} {: onmouseover="window.__xss=1" }',
    '<details open ontoggle="window.__xss=1">x</details>',
    '<div markdown="1" onmouseover="window.__xss=1">md in html</div>',
    "\"'><script>document.title='XSS'</script>",
    "</title><script>document.title='XSS'</script>",
    "{{ 7*7 }} {% raw %} ${7*7}",
    '![img](x" onerror="window.__xss=1)',
)
SHORT = "</title><script>document.title='XSS'</script><img src=x onerror=window.__xss=1>{{7*7}}"
LONG = "\n\n".join(PAYLOADS)
# Words that mark what the archive must never carry.
SECRETS = ("SECRETUNIT", "SECRETPARTICIPANTS", "SECRETDRAFT", "SECRETOPEN")
NOT_PUBLIC = "NOTPUBLICMARK"
# A word that appears in one argument of one decision and nowhere else.
ONLY_IN_ARGUMENT = "ornitorrincos"
# Begin the follow-ups' titles, notes and the outcome's comment of accepted decisions.
FOLLOW_UP, NOTE, COMMENT = "Follow-up", "Note", "Comment"


@dataclass
class HostileWorld:
    world: World
    slug: str
    published: Proposal  # organisation-visible, closed, publishable
    internal: Proposal  # organisation-visible, closed, not publishable
    restricted: list[Proposal] = field(default_factory=list)


async def hostile_world() -> HostileWorld:
    world = await build_world()
    admin = await world.viewer("admin")
    org = world.organisation
    await organisations.update_organisation(
        admin, org.id, organisations.OrganisationChanges(name=SHORT)
    )
    await organisations.update_unit(
        admin, world.units["marketing"].id, organisations.UnitChanges(name=SHORT)
    )
    published = await _debated(world, f"Published {SHORT}", publishable=True)
    internal = await _debated(world, f"{NOT_PUBLIC} internal {SHORT}", publishable=False)
    restricted = [
        await _closed(world, "SECRETUNIT", visibility=Visibility.UNIT, unit="marketing"),
        await _closed(
            world,
            "SECRETPARTICIPANTS",
            visibility=Visibility.PARTICIPANTS,
            participants={"ana": ParticipantRole.CONSULTED, "admin": ParticipantRole.DECIDER},
        ),
        await draft(world, title="SECRETDRAFT title", body="SECRETDRAFT body"),
    ]
    open_one = await draft(world, title="SECRETOPEN title", body="SECRETOPEN body")
    restricted.append(await proposals.open_proposal(await world.viewer("mara"), open_one.id))
    # A published decision linked to a restricted one: the link must not show.
    linker = await _debated(world, "Linker", publishable=True, link_to=restricted[0])
    del linker
    refreshed = await Organisation.get(id=org.id)
    return HostileWorld(world, refreshed.slug, published, internal, restricted)


async def _debated(
    world: World,
    title: str,
    *,
    publishable: bool,
    link_to: Proposal | None = None,
    close: ProposalState = ProposalState.ACCEPTED,
) -> Proposal:
    mara, ana, teo = [await world.viewer(p) for p in ("mara", "ana", "teo")]
    proposal = await draft(
        world,
        title=title[:300],
        summary=SHORT,
        body=LONG,
        unit="marketing",
        tags=["checkout", "xss"],
        impact=Impact(metric=SHORT, baseline=SHORT[:100], target=SHORT[:100]),
    )
    proposal = await proposals.open_proposal(mara, proposal.id)
    if link_to is not None:
        await proposals.link_proposals(mara, proposal.id, link_to.id, LinkKind.RELATED)
    await proposals.revise_proposal(
        mara, proposal.id, expected_version=1, change_note=SHORT, body=LONG + "\n\nrevised"
    )
    first = await debate.add_argument(ana, proposal.id, stance=Stance.FOR, body=LONG)
    reply = await debate.add_argument(
        teo, proposal.id, stance=Stance.AGAINST, body=SHORT, parent_id=first.id
    )
    await debate.add_argument(
        mara,
        proposal.id,
        stance=Stance.COMMENT,
        body=f"Los {ONLY_IN_ARGUMENT} lo confirman." if publishable and not link_to else SHORT,
        parent_id=reply.id,
    )
    await debate.take_position(teo, proposal.id, stance=PositionStance.DISAGREE, reason=SHORT)
    await debate.take_position(ana, proposal.id, stance=PositionStance.AGREE, reason=LONG[:500])
    admin = await world.viewer("admin")
    await proposals.decide_proposal(
        admin, proposal.id, outcome=close, statement=LONG, cited_argument_ids=[first.id]
    )
    if publishable:
        await publishing.set_publishable(admin, proposal.id, publishable=True)
    if close is ProposalState.ACCEPTED:
        await _followed_through(world, proposal)
    return await Proposal.get(id=proposal.id)


async def _followed_through(world: World, proposal: Proposal) -> None:
    """Follow-ups done, dropped and handed over, and the outcome reviewed: payloads in each."""
    mara, ana, teo = [await world.viewer(p) for p in ("mara", "ana", "teo")]
    # Due long after any test's schedule runs (their clocks stand before 2000).
    due = clock.now().date() + timedelta(days=30)
    done, dropped, handed = [
        await follow_through.add_follow_up(
            mara, proposal.id, title=f"{FOLLOW_UP} {n} {SHORT}", owner_id=world.id("ana"), due=due
        )
        for n in range(3)
    ]
    await follow_through.update_follow_up(
        ana,
        done.id,
        follow_through.FollowUpChanges(status=FollowUpStatus.DONE, note=f"{NOTE} {LONG}"),
    )
    await follow_through.update_follow_up(
        mara,
        dropped.id,
        follow_through.FollowUpChanges(status=FollowUpStatus.DROPPED, note=f"{NOTE} {SHORT}"),
    )
    await follow_through.update_follow_up(
        mara,
        handed.id,
        follow_through.FollowUpChanges(
            owner_id=world.id("teo"), due=due + timedelta(days=7), note=SHORT
        ),
    )
    await follow_through.record_outcome(
        teo,
        proposal.id,
        observed=SHORT[:100],
        verdict=OutcomeVerdict.PARTLY,
        comment=f"{COMMENT} {LONG}",
    )


async def _closed(world: World, secret: str, **kwargs: object) -> Proposal:
    mara, ana = await world.viewer("mara"), await world.viewer("ana")
    proposal = await draft(
        world, title=f"{secret} title", summary=f"{secret} summary", body=secret, **kwargs
    )
    await proposals.open_proposal(mara, proposal.id)
    await debate.add_argument(ana, proposal.id, stance=Stance.FOR, body=f"{secret} argument")
    await proposals.decide_proposal(
        await world.viewer("admin"),
        proposal.id,
        outcome=ProposalState.ACCEPTED,
        statement=f"{secret} statement",
    )
    return await Proposal.get(id=proposal.id)


async def unit_named(world: World, name: str) -> Unit:
    return await Unit.get(organisation_id=world.organisation.id, name=name)
