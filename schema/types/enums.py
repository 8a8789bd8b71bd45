"""The domain's vocabularies exposed as GraphQL enums (the domain's own classes, registered)."""

from __future__ import annotations

import strawberry

from actas.api.domain.vocabulary import (
    AbsenceSource,
    CastBy,
    DelegationScope,
    Language,
    ParticipantRole,
    PositionStance,
    ProposalState,
    Role,
    RuleKind,
    Stance,
    TokenScope,
    Visibility,
)

for vocabulary, description in (
    (Language, "A language actas speaks."),
    (Role, "A member's role in an organisation."),
    (ParticipantRole, "A person's role on one proposal."),
    (Visibility, "Who may see a proposal."),
    (ProposalState, "Where a proposal stands."),
    (Stance, "The stance of an argument."),
    (PositionStance, "A member's position on a proposal."),
    (RuleKind, "How a proposal is decided."),
    (TokenScope, "What a token may do."),
    (CastBy, "Who took a member's position: the member, their delegate, or a proxy."),
    (DelegationScope, "What a delegate speaks for."),
    (AbsenceSource, "How actas knows of an absence: recorded, or read from an automatic reply."),
):
    strawberry.enum(vocabulary, description=description)

__all__ = [
    "AbsenceSource",
    "CastBy",
    "DelegationScope",
    "Language",
    "ParticipantRole",
    "PositionStance",
    "ProposalState",
    "Role",
    "RuleKind",
    "Stance",
    "TokenScope",
    "Visibility",
]
