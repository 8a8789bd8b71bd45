"""What is asked of one person on one proposal, in their words: their part, and what their voice
does under the proposal's rule ("Your voice is required. Under consent your block stops it.").
The proposal page and the emails say it alike, from the same ``Electorate``."""

from __future__ import annotations

from actas.api.catalogue import Texts
from actas.api.domain.electorate import Electorate
from actas.api.domain.vocabulary import ParticipantRole, RuleKind


def part_of(
    t: Texts,
    user_id: int,
    *,
    role: ParticipantRole | None,
    rule: RuleKind,
    electorate: Electorate | None,
    deadline_passed: bool,
) -> str:
    parts = [t.gettext(f"page.part.{role.value}")] if role else []
    if electorate is not None:
        voter = next((v for v in electorate.voters if v.user_id == user_id), None)
        if voter is not None:
            if role is None:
                parts.append(t.gettext("page.part.voter"))
            if rule is RuleKind.MAJORITY and voter.weight != 1:
                parts.append(t.gettext("page.part.weight", n=voter.weight))
        if rule is RuleKind.CONSENT and electorate.may_block(user_id):
            parts.append(t.gettext("page.part.blocks"))
        if deadline_passed and role is not ParticipantRole.INFORMED:
            parts.append(t.gettext("page.part.deadline_passed"))
    return " ".join(parts)
