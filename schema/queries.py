"""Read entry points. Each resolver is one call into a loader or a service."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime

import strawberry
from strawberry import relay

from actas.api.domain import vocabulary
from actas.api.models import ApiToken, FollowUp, Invitation, Membership, Organisation, Webhook
from actas.api.services import inbox, invitations
from actas.api.services.schedule import waiting_for
from actas.api.services.search import ProposalFilter, search_proposals
from actas.api.services.similar import similar_to
from actas.schema.context import Info
from actas.schema.errors import ClientError
from actas.schema.ids import optional_database_id
from actas.schema.pagination import Connection, check_first, decode_offset, page_of, ranked_page
from actas.schema.types.absence import AbsenceNode
from actas.schema.types.debate import PositionNode, argument_nodes
from actas.schema.types.enums import ProposalState
from actas.schema.types.follow_through import FollowUpNode, NotificationNode, WebhookNode
from actas.schema.types.invitation import InvitationNode
from actas.schema.types.organisation import MembershipNode, OrganisationNode, _unit
from actas.schema.types.people import ApiTokenNode, UserNode
from actas.schema.types.proposal import ProposalNode, ProposalVersionNode
from actas.schema.types.record import EventNode
from actas.schema.types.search import SearchHit, SimilarProposal, check_similar_first

MAX_NODES = 100


@strawberry.type(name="Viewer", description="You: the person the token speaks for.")
class ViewerNode:
    user_id: strawberry.Private[int]

    @strawberry.field
    async def user(self, info: Info) -> UserNode:
        user = await info.context.loaders.user.load(self.user_id)
        assert user is not None
        return UserNode.from_model(user)

    @strawberry.field(description="The organisations you belong to.")
    async def organisations(self, info: Info) -> list[OrganisationNode]:
        rows = await Organisation.filter(id__in=list(info.context.viewer.memberships)).order_by(
            "name"
        )
        return [OrganisationNode.from_model(o) for o in rows]

    @strawberry.field(description="Invitations awaiting your answer, oldest first.")
    async def invitations(self, info: Info) -> list[InvitationNode]:
        rows = invitations.pending_for(self.user_id).select_related("invitee", "organisation")
        return [InvitationNode.from_model(i) for i in await rows.order_by("id")]

    @strawberry.field(description="Your memberships, one per organisation.")
    async def memberships(self, info: Info) -> list[MembershipNode]:
        rows = await Membership.filter(user_id=self.user_id).order_by("id")
        return [MembershipNode.from_model(m) for m in rows]

    @strawberry.field(
        description="Your absences not yet over, in every organisation, soonest first."
    )
    async def absences(self, info: Info) -> list[AbsenceNode]:
        keys = [(org, self.user_id) for org in sorted(info.context.viewer.memberships)]
        found = await info.context.loaders.absences.load_many(keys)
        return [
            AbsenceNode.of(absence, org)
            for (org, _), absences in zip(keys, found, strict=True)
            for absence in absences
        ]

    @strawberry.field(description="What you were told, newest first.")
    async def notifications(
        self, info: Info, first: int = 20, after: str | None = None, unread_only: bool = False
    ) -> Connection[NotificationNode]:
        return await page_of(
            inbox.notifications(info.context.viewer, unread_only=unread_only),
            first=first,
            after=after,
            max_page_size=info.context.settings.max_page_size,
            newest_first=True,
            convert=NotificationNode.from_model,
        )

    @strawberry.field
    async def unread_notification_count(self, info: Info) -> int:
        return await inbox.unread_count(info.context.viewer)

    @strawberry.field(
        description="Open proposals where your position is required and missing, soonest "
        "deadline first."
    )
    async def waiting_for_me(self, info: Info) -> list[ProposalNode]:
        return [ProposalNode.from_model(p) for p in await waiting_for(self.user_id)]

    @strawberry.field(description="Your API tokens, newest first.")
    async def tokens(self, info: Info) -> list[ApiTokenNode]:
        rows = await ApiToken.filter(user_id=self.user_id).order_by("-id")
        return [ApiTokenNode.from_model(t) for t in rows]


async def _node(info: Info, global_id: relay.GlobalID) -> relay.Node | None:
    resolve = NODE_RESOLVERS.get(global_id.type_name)
    if resolve is None or not global_id.node_id.isdigit():
        return None
    return await resolve(info, int(global_id.node_id))


async def _user_node(info: Info, key: int) -> relay.Node | None:
    user = await info.context.loaders.shared_user.load(key)
    return UserNode.from_model(user) if user else None


async def _organisation_node(info: Info, key: int) -> relay.Node | None:
    organisation = await info.context.loaders.organisation.load(key)
    return OrganisationNode.from_model(organisation) if organisation else None


async def _unit_node(info: Info, key: int) -> relay.Node | None:
    unit = await info.context.loaders.unit.load(key)
    return await _unit(info, unit.organisation_id, unit.id) if unit else None


async def _membership_node(info: Info, key: int) -> relay.Node | None:
    membership = await info.context.loaders.membership.load(key)
    return MembershipNode.from_model(membership) if membership else None


async def _proposal_node(info: Info, key: int) -> relay.Node | None:
    proposal = await info.context.loaders.proposal.load(key)
    return ProposalNode.from_model(proposal) if proposal else None


async def _version_node(info: Info, key: int) -> relay.Node | None:
    version = await info.context.loaders.version.load(key)
    return ProposalVersionNode.from_model(version) if version else None


async def _argument_node(info: Info, key: int) -> relay.Node | None:
    nodes = await argument_nodes(info, [key])
    return nodes[0] if nodes else None


async def _position_node(info: Info, key: int) -> relay.Node | None:
    position = await info.context.loaders.position.load(key)
    return PositionNode.from_row(position) if position else None


async def _event_node(info: Info, key: int) -> relay.Node | None:
    event = await info.context.loaders.event.load(key)
    return EventNode.from_model(event) if event else None


async def _token_node(info: Info, key: int) -> relay.Node | None:
    token = await ApiToken.get_or_none(id=key, user_id=info.context.viewer.user_id)
    return ApiTokenNode.from_model(token) if token else None


async def _notification_node(info: Info, key: int) -> relay.Node | None:
    notification = await inbox.notifications(info.context.viewer).get_or_none(id=key)
    return NotificationNode.from_model(notification) if notification else None


async def _invitation_node(info: Info, key: int) -> relay.Node | None:
    invitation = await Invitation.get_or_none(id=key).select_related("invitee", "organisation")
    if invitation is None or not invitations.may_see(info.context.viewer, invitation):
        return None
    return InvitationNode.from_model(invitation)


async def _follow_up_node(info: Info, key: int) -> relay.Node | None:
    follow_up = await FollowUp.get_or_none(id=key)
    if follow_up is None or not await info.context.loaders.proposal.load(follow_up.proposal_id):
        return None
    return FollowUpNode.from_model(follow_up)


async def _webhook_node(info: Info, key: int) -> relay.Node | None:
    webhook = await Webhook.get_or_none(id=key)
    member = info.context.viewer.member_of(webhook.organisation_id) if webhook else None
    return WebhookNode.from_model(webhook) if webhook and member and member.is_admin else None


# Every Node type, resolved with the same visibility as everywhere else.
NODE_RESOLVERS: dict[str, Callable[[Info, int], Awaitable[relay.Node | None]]] = {
    "User": _user_node,
    "Organisation": _organisation_node,
    "Unit": _unit_node,
    "Membership": _membership_node,
    "Proposal": _proposal_node,
    "ProposalVersion": _version_node,
    "Argument": _argument_node,
    "Position": _position_node,
    "Event": _event_node,
    "ApiToken": _token_node,
    "Notification": _notification_node,
    "FollowUp": _follow_up_node,
    "Invitation": _invitation_node,
    "Webhook": _webhook_node,
}


@strawberry.type
class Query:
    @strawberry.field(description="You.")
    def viewer(self, info: Info) -> ViewerNode:
        return ViewerNode(user_id=info.context.viewer.user_id)

    @strawberry.field(description="An organisation you belong to, by slug.")
    async def organisation(self, info: Info, slug: str) -> OrganisationNode | None:
        organisation = await info.context.loaders.organisation_by_slug.load(slug.strip().lower())
        return OrganisationNode.from_model(organisation) if organisation else None

    @strawberry.field(description="A proposal by its reference, such as ACME-42.")
    async def proposal(self, info: Info, reference: str) -> ProposalNode | None:
        proposal = await info.context.loaders.proposal_by_reference.load(reference)
        return ProposalNode.from_model(proposal) if proposal else None

    @strawberry.field(description="Any object by its global id; null if you may not see it.")
    async def node(self, info: Info, id: relay.GlobalID) -> relay.Node | None:
        return await _node(info, id)

    @strawberry.field(description="Objects by global id, in order; null for any you may not see.")
    async def nodes(self, info: Info, ids: list[relay.GlobalID]) -> list[relay.Node | None]:
        if len(ids) > MAX_NODES:
            raise ClientError(f"At most {MAX_NODES} ids at a time.")
        # Resolved together so the DataLoaders batch them.
        return list(await asyncio.gather(*(_node(info, i) for i in ids)))

    @strawberry.field(
        description="Decided before? Proposals you may see in the organisation, past and open, "
        "closest to `text` (a draft's title and summary, say) first: those whose title or text "
        "share at least two of its key words (one, for a text of one or two), ranked as a search "
        "ranks."
    )
    async def similar_proposals(
        self, info: Info, organisation: relay.GlobalID, text: str, first: int = 5
    ) -> list[SimilarProposal]:
        check_similar_first(first)
        organisation_id = optional_database_id(organisation, "Organisation")
        if organisation_id is None or info.context.viewer.member_of(organisation_id) is None:
            return []
        found = await similar_to(info.context.viewer, organisation_id, text, first=first)
        return [SimilarProposal.of(s) for s in found]

    @strawberry.field(
        description="Proposals you may see whose title, text or arguments hold every word "
        "(stemmed in the organisation's language, accents ignored; at most 8 words), best "
        "first: a word in the title counts most, then in the summary and text, then in the "
        "debate. The filters are those of `Organisation.proposals`."
    )
    async def search(
        self,
        info: Info,
        text: str,
        first: int = 20,
        after: str | None = None,
        organisation: relay.GlobalID | None = None,
        states: list[ProposalState] | None = None,
        unit: relay.GlobalID | None = None,
        tag: str | None = None,
        proposed_after: datetime | None = None,
        proposed_before: datetime | None = None,
    ) -> Connection[SearchHit]:
        check_first(first, info.context.settings.max_page_size)
        skip = decode_offset(after)
        wanted = ProposalFilter(
            states=[vocabulary.ProposalState(s) for s in states or ()],
            unit_id=optional_database_id(unit, "Unit"),
            tag=tag,
            proposed_after=proposed_after,
            proposed_before=proposed_before,
        )
        found = await search_proposals(
            info.context.viewer,
            optional_database_id(organisation, "Organisation"),
            text,
            wanted,
            first=first,
            skip=skip,
        )
        return ranked_page(
            found.proposals,
            skip=skip,
            has_next=found.more,
            convert=lambda p: SearchHit.of(p, text, found.query),
        )
