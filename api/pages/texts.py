"""What the proposal page says, in its reader's language: the catalogue's words for the facts
``ProposalPage`` holds (names of stances, roles and rules, the reader's part, what was done)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from actas.api import clock
from actas.api.catalogue import Texts, texts_for
from actas.api.domain.absences import AwayVoice
from actas.api.domain.debate_state import debate_state
from actas.api.domain.errors import DomainError
from actas.api.domain.lifecycle import deadline_passed
from actas.api.domain.parts import part_of
from actas.api.domain.text_search import Query, excerpt
from actas.api.domain.validation import MAX_BODY
from actas.api.domain.vocabulary import (
    Language,
    ParticipantRole,
    PositionStance,
    RuleKind,
    Stance,
)
from actas.api.services.proposal_page import ProposalPage

NO_WORDS = Query((), ())  # an excerpt from the start, no word marked

DONE = {
    "position": "page.done.position",
    "argument": "page.done.argument",
    "reply": "page.done.reply",
    "position_for": "page.done.position_for",
}


@dataclass(frozen=True)
class Away:
    """The away voices a reader is shown (``proposal._away_shown``), with the names they need."""

    voices: tuple[AwayVoice, ...] = ()
    names: Mapping[int, str] = field(default_factory=dict)

    @property
    def people(self) -> set[int]:
        """Whom the lines name: the voters away and their delegates, used or skipped."""
        named = {v.user_id for v in self.voices}
        named |= {v.delegate_id for v in self.voices if v.delegate_id is not None}
        return named | {
            v.skipped_delegate_id for v in self.voices if v.skipped_delegate_id is not None
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
    shown: ProposalPage, query: Mapping[str, str], form: Mapping[str, str], away: Away
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
        "away_lines": [away_line(t, voice, away.names) for voice in away.voices],
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
        "debate_state": debate_state_context(t, shown),
    }


def debate_state_context(t: Texts, shown: ProposalPage) -> dict[str, Any]:
    """The page's "where the debate stands": each item a line and the anchor it links to."""
    state = debate_state(
        [argument for argument, _ in shown.debate],
        shown.positions,
        author_id=shown.proposal.author_id,
        reader_id=shown.viewer.user_id,
    )
    arguments = {argument.id: argument for argument, _ in shown.debate}
    positions = {position.id: position for position in shown.positions}

    def said(argument_id: int) -> tuple[str, str]:
        argument = arguments[argument_id]
        words = "".join(f.text for f in excerpt(argument.body, NO_WORDS, shown.language, length=12))
        line = t.gettext("page.debate_state.said", person=argument.author.name, words=words)
        return f"#argument-{argument_id}", line

    def stood(position_id: int) -> tuple[str, str]:
        position = positions[position_id]
        stance = t.gettext(f"position.{position.stance.value}")
        words = f"{stance} — “{position.reason}”" if position.reason else stance
        return "#tally", t.gettext("page.debate_state.said", person=position.user.name, words=words)

    groups = [
        (t.gettext("page.debate_state.questions"), [said(i) for i in state.open_questions]),
        (t.gettext("page.debate_state.objections"), [said(i) for i in state.unanswered_objections]),
        (t.gettext("page.debate_state.blocks"), [stood(i) for i in state.blocks]),
    ]
    if state.since is not None:
        news = [said(i) for i in state.new_arguments] + [stood(i) for i in state.changed_positions]
        when = t.format_moment(state.since)
        groups.append((t.gettext("page.debate_state.since", when=when), news))
    return {"groups": [(title, lines) for title, lines in groups if lines]}


def away_line(t: Texts, voice: AwayVoice, names: Mapping[int, str]) -> str:
    """Who is away, until when, and who speaks for them: "Ana — away until 14 Dec 2026; Diego
    speaks for them." (a probable voice: "probably away (automatic reply) until …")."""
    member = names[voice.user_id]
    if not voice.probable:
        away = t.gettext("page.away.until", member=member, until=voice.until.date())
    elif voice.until_stated:
        away = t.gettext("page.away.probably_until", member=member, until=_last_day(voice))
    else:  # the reply gave no date: the span assumed is no date to show
        away = t.gettext("page.away.probably", member=member)
    if voice.delegate_id is not None:
        speaker = t.gettext("page.away.spoken_for", delegate=names[voice.delegate_id])
    elif voice.skipped_delegate_id is not None:
        speaker = t.gettext("page.away.skipped", delegate=names[voice.skipped_delegate_id])
    else:
        speaker = t.gettext("page.away.nobody")
    return t.gettext("page.away.line", away=away, speaker=speaker)


def _last_day(voice: AwayVoice) -> date:
    # A reply's "back on 14 Dec" is kept as ending when 15 Dec begins: the reader sees the 14th.
    return (voice.until - timedelta(microseconds=1)).date()


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
