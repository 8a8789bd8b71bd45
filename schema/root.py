"""The schema: queries, mutations and the limits that guard them."""

from __future__ import annotations

from pathlib import Path

import strawberry

from actas.api.settings import Settings
from actas.schema.limits import extensions
from actas.schema.mutations import Mutation
from actas.schema.queries import Query
from actas.schema.subscriptions import Subscription
from actas.schema.types.debate import ArgumentNode, PositionNode
from actas.schema.types.follow_through import FollowUpNode, NotificationNode, WebhookNode
from actas.schema.types.organisation import MembershipNode, OrganisationNode, UnitNode
from actas.schema.types.people import ApiTokenNode, UserNode
from actas.schema.types.proposal import ProposalNode, ProposalVersionNode
from actas.schema.types.record import EventNode

SDL_PATH = Path(__file__).with_name("schema.graphql")

# Every Node type, so `node(id:)` can return each even where no field mentions it.
NODE_TYPES = [
    UserNode,
    ApiTokenNode,
    OrganisationNode,
    UnitNode,
    MembershipNode,
    ProposalNode,
    ProposalVersionNode,
    ArgumentNode,
    PositionNode,
    EventNode,
    NotificationNode,
    FollowUpNode,
    WebhookNode,
]


def build_schema(settings: Settings) -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=NODE_TYPES,
        extensions=extensions(settings),
    )


def export_sdl(settings: Settings) -> str:
    return build_schema(settings).as_str() + "\n"
