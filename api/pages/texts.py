"""What the proposal page says, in its reader's language: the catalogue's words for the facts
``ProposalPage`` holds (names of stances, roles and rules, the reader's part, what was done)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from actas.api import clock
from actas.api.catalogue import Texts, texts_for
from actas.api.domain.errors import DomainError
from actas.api.domain.lifecycle import deadline_passed
from actas.api.domain.parts import part_of
from actas.api.domain.validation import MAX_BODY
from actas.api.domain.vocabulary import (
    Language,
    ParticipantRole,
    PositionStance,
    RuleKind,
    Stance,
)
from actas.api.services.proposal_page import ProposalPage

DONE = {
    "position": "page.done.position",
    "argument": "page.done.argument",
    "reply": "page.done.reply",
    "position_for": "page.done.position_for",
}


def translate(language: Language, key: str) -> str:
    return texts_for(language.value).gettext(key)


def stance_name(t: Texts, stance: PositionStance) -> str:
    return t.gettext(f"position.{stance.value}")


def done(shown: ProposalPage, action: str) -> str:
    return translate(shown.language, DONE[action]) if action in DONE else ""


def refusal(language: Language, error: DomainError) -> str:
    """A refusal in the reader's words where the catalogue has them (the refusals a form
    meets), else as the services worded it, in English as the API gives it."""
    t = texts_for(language.value)
    if error.words is not None and error.words.key in t:
        return t.render(error.words)
    return error.message


def proposal_context(
    shown: ProposalPage, query: Mapping[str, str], form: Mapping[str, str]
) -> dict[str, Any]:
    t = texts_for(shown.language.value)
    own = shown.own_position
    asked = query.get("position", "")
    chosen = (
        form.get("stance")
        or (asked if asked in set(PositionStance) else "")
        or (own.stance.value if own else "")
    )
    reply_to = query.get("reply", "") or form.get("parent", "")
    names = {p.user_id: p.name for p in shown.participants} | {
        p.user_id: p.user.name for p in shown.positions
    }
    awaited = shown.electorate.silent if shown.electorate else ()
    return {
        "t": t,
        "page": shown,
        "proposal": shown.proposal,
        "closed": shown.state.is_closed,
        "state_name": t.gettext(f"outcome.{shown.state.value}"),
        "rule_name": t.gettext(f"rule.{shown.proposal.rule}"),
        "your_part": your_part(t, shown),
        "tally_reason": tally_reason(t, shown),
        "stances": [(s.value, t.gettext(f"position.{s.value}")) for s in PositionStance],
        "stance_names": {s.value: t.gettext(f"position.{s.value}") for s in PositionStance},
        "argument_stances": {s.value: t.gettext(f"stance.{s.value}") for s in Stance},
        "argument_stance_choices": [(s.value, t.gettext(f"stance.{s.value}")) for s in Stance],
        "role_names": {r.value: t.gettext(f"role.{r.value}") for r in ParticipantRole},
        "awaited": [names[u] for u in awaited if u in names],
        "own": own,
        "chosen": chosen,
        "may_block": shown.can.block,
        "reply_to": int(reply_to) if str(reply_to).isdigit() else None,
        "holder_name": shown.holder_name,
        "speaks_for": [
            {
                "id": spoken.user_id,
                "name": spoken.name,
                "until": t.format_date(spoken.until.date()),
                "said": stance_name(t, spoken.position.stance) if spoken.position else "",
                "may_block": shown.electorate is not None
                and shown.electorate.may_block(spoken.user_id),
            }
            for spoken in shown.speaks_for
        ],
        "settings_link": "",
        "max_body": MAX_BODY,
    }


def your_part(t: Texts, shown: ProposalPage) -> str:
    """What is asked of the reader and what their voice does under this rule."""
    user = shown.viewer.user_id
    return part_of(
        t,
        user,
        role=next((p.role for p in shown.participants if p.user_id == user), None),
        rule=RuleKind(shown.proposal.rule),
        electorate=shown.electorate,
        deadline_passed=deadline_passed(shown.proposal.deadline, now=clock.now()),
    )


def tally_reason(t: Texts, shown: ProposalPage) -> str:
    return t.render(shown.tally.reason)
