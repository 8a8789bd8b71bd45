"""Decision rules: the tally of positions and the outcome each rule allows.

Who counts is the electorate's question (``domain.electorate``): these functions count the
positions of the eligible ``voters`` they are given. Weight counts for shares and quorums; a voice
counts whatever its weight.

- ``decider``: the deciders record either outcome; the tally is advisory.
- ``consent``: rejected as soon as a blocker blocks (the required voices: deciders and required
  participants; every eligible voter when there are none). Otherwise accepted once every
  required voice has spoken, or once the deadline has passed.
- ``majority``: needs a quorum (weight of eligible voters with any position ≥ quorum * eligible
  weight, and more than 0); then accepted when agree / (agree + disagree + block) ≥ threshold.
  Abstentions count towards the quorum, not the share.
- ``unanimity``: rejected as soon as an eligible voter disagrees or blocks; accepted once every
  eligible voter has a position, none against, and at least one agrees.

A tally's reason is data, not prose: a catalogue message and its figures (``TallyReason``),
shown in each reader's language where it is read (``texts_for(language).render(reason)``).
Tallies stored when the reason was an English sentence read back with that sentence.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from fractions import Fraction
from typing import Any

import orjson

from actas.api.catalogue import Message, Percent, texts_for
from actas.api.domain.errors import InvalidTransition, ValidationFailed
from actas.api.domain.vocabulary import (
    REQUIRED_VOICES,
    ParticipantRole,
    PositionStance,
    ProposalState,
    RuleKind,
)

ACCEPTED, REJECTED = ProposalState.ACCEPTED, ProposalState.REJECTED
# Thresholds and quorums are read as fractions with denominators up to a million (six decimal
# places), so 0.7 counts as exactly 7/10 and 1 / 3 as exactly 1/3.
RATIO_PRECISION = 1_000_000

# Why the rule decides what it decides: a catalogue key under ``tally.`` and its figures.
TallyReason = Message


def stored_reason(text: str) -> TallyReason:
    """A reason kept as words (tallies stored before reasons were data), shown as it was."""
    return TallyReason("tally.stored", {"text": text})


@dataclass(frozen=True)
class DecisionRule:
    kind: RuleKind
    threshold: float = 0.5
    quorum: float = 0.5

    def __post_init__(self) -> None:
        if not 0 < self.threshold <= 1:
            raise ValidationFailed(
                "The threshold must be above 0 and at most 1.", field="threshold"
            )
        if not 0 <= self.quorum <= 1:
            raise ValidationFailed("The quorum must be between 0 and 1.", field="quorum")


@dataclass(frozen=True)
class Voter:
    """An eligible voter: whose position carries ``weight``."""

    user_id: int
    weight: int
    participant_role: ParticipantRole | None = None


@dataclass(frozen=True)
class Tally:
    rule: RuleKind
    threshold: float
    quorum: float
    eligible_count: int
    eligible_weight: int
    weights: dict[str, int]  # eligible voters' weight per stance
    counts: dict[str, int]  # everyone's positions per stance
    participated_weight: int
    quorum_reached: bool
    agree_share: float | None
    blocked_by: tuple[int, ...] = ()  # required voices who block
    missing_voices: tuple[int, ...] = ()  # required voices without a position
    silent_voters: tuple[int, ...] = ()  # eligible voters without a position
    verdict: ProposalState | None = None  # what the rule decides now; None = no verdict yet
    reason: TallyReason = field(default_factory=lambda: stored_reason(""))  # the verdict, why
    voices: dict[str, int] = field(default_factory=dict)  # eligible voters per stance (people)

    @property
    def against_voices(self) -> int:
        return self.voices.get("disagree", 0) + self.voices.get("block", 0)

    @property
    def agree_voices(self) -> int:
        return self.voices.get("agree", 0)

    def to_json(self) -> str:
        data = {**asdict(self), "reason": self.reason.as_data()}
        return orjson.dumps(data, option=orjson.OPT_SORT_KEYS).decode()

    @classmethod
    def from_json(cls, text: str) -> Tally:
        data = orjson.loads(text)
        data["rule"] = RuleKind(data["rule"])
        data["verdict"] = ProposalState(data["verdict"]) if data["verdict"] else None
        for name in ("blocked_by", "missing_voices", "silent_voters"):
            data[name] = tuple(data[name])
        data.setdefault("voices", {})  # tallies stored before voices were counted
        data["reason"] = _read_reason(data.get("reason", ""))
        return cls(**data)


def _read_reason(stored: Any) -> TallyReason:
    return stored_reason(stored) if isinstance(stored, str) else Message.from_data(stored)


def blockers(voters: Iterable[Voter]) -> tuple[int, ...]:
    """Who may block under consent: the required voices, or every voter when there are none."""
    voters = list(voters)
    required = tuple(v.user_id for v in voters if v.participant_role in REQUIRED_VOICES)
    return required or tuple(v.user_id for v in voters)


def compute_tally(
    rule: DecisionRule,
    voters: Iterable[Voter],
    positions: Mapping[int, PositionStance],
    *,
    deadline_passed: bool = False,
) -> Tally:
    """Tally ``positions`` (user id → stance) of everyone against the eligible ``voters``;
    ``deadline_passed`` lets consent accept while required voices are still silent."""
    voters = sorted(voters, key=lambda v: v.user_id)
    weights = dict.fromkeys((s.value for s in PositionStance), 0)
    counts = dict.fromkeys((s.value for s in PositionStance), 0)
    voices = dict.fromkeys((s.value for s in PositionStance), 0)
    for stance in positions.values():
        counts[stance.value] += 1
    for voter in voters:
        if voter.user_id in positions:
            weights[positions[voter.user_id].value] += voter.weight
            voices[positions[voter.user_id].value] += 1
    eligible_weight = sum(voter.weight for voter in voters)
    participated = sum(weights.values())
    decisive = weights["agree"] + weights["disagree"] + weights["block"]
    required = [v for v in voters if v.participant_role in REQUIRED_VOICES]
    quorum_reached = participated > 0 and _reaches(participated, eligible_weight, rule.quorum)
    tally = Tally(
        rule=rule.kind,
        threshold=rule.threshold,
        quorum=rule.quorum,
        eligible_count=len(voters),
        eligible_weight=eligible_weight,
        weights=weights,
        counts=counts,
        participated_weight=participated,
        quorum_reached=quorum_reached,
        agree_share=round(weights["agree"] / decisive, 6) if decisive else None,
        blocked_by=tuple(
            user for user in blockers(voters) if positions.get(user) is PositionStance.BLOCK
        ),
        missing_voices=tuple(v.user_id for v in required if v.user_id not in positions),
        silent_voters=tuple(v.user_id for v in voters if v.user_id not in positions),
        voices=voices,
    )
    if rule.kind is RuleKind.CONSENT:
        verdict, reason = _consent_verdict(tally, deadline_passed)
    else:
        verdict, reason = _VERDICTS[rule.kind](tally)
    return replace(tally, verdict=verdict, reason=reason)


def as_of(tally: Tally, *, deadline_passed: bool) -> Tally:
    """A stored tally read later: without a new position only a passed deadline changes what
    a rule decides (consent accepts what nobody blocked in time), so a reader sees the verdict
    before the worker's deadline step has acted on it."""
    if tally.rule is RuleKind.CONSENT and deadline_passed:
        verdict, reason = _consent_verdict(tally, deadline_passed=True)
        return replace(tally, verdict=verdict, reason=reason)
    return tally


Verdict = tuple[ProposalState | None, TallyReason]


def _decider_verdict(tally: Tally) -> Verdict:
    return None, TallyReason("tally.decider")


def _consent_verdict(tally: Tally, deadline_passed: bool) -> Verdict:
    if tally.blocked_by:
        return REJECTED, TallyReason("tally.consent.blocked", {"n": len(tally.blocked_by)})
    if tally.missing_voices and not deadline_passed:
        return None, TallyReason("tally.consent.waiting", {"n": len(tally.missing_voices)})
    if tally.missing_voices:
        return ACCEPTED, TallyReason("tally.consent.deadline_passed")
    return ACCEPTED, TallyReason("tally.consent.complete")


def _majority_verdict(tally: Tally) -> Verdict:
    if not tally.quorum_reached:
        return None, TallyReason(
            "tally.majority.no_quorum",
            {
                "participated": tally.participated_weight,
                "eligible": tally.eligible_weight,
                "quorum": Percent(tally.quorum),
            },
        )
    agree = tally.weights["agree"]
    decisive = agree + tally.weights["disagree"] + tally.weights["block"]
    if not decisive:
        return None, TallyReason("tally.majority.only_abstentions")
    share = Fraction(agree, decisive)
    needed = _ratio(tally.threshold)
    verdict = ACCEPTED if share >= needed else REJECTED
    shown_share, shown_needed = _percents(share, needed)
    return verdict, TallyReason(
        "tally.majority.share", {"share": shown_share, "needed": shown_needed}
    )


def _unanimity_verdict(tally: Tally) -> Verdict:
    if tally.against_voices:
        return REJECTED, TallyReason("tally.unanimity.against")
    if tally.silent_voters:
        return None, TallyReason("tally.unanimity.silent", {"n": len(tally.silent_voters)})
    if not tally.agree_voices:
        return None, TallyReason("tally.unanimity.nobody_agrees")
    return ACCEPTED, TallyReason("tally.unanimity.complete")


_VERDICTS = {
    RuleKind.DECIDER: _decider_verdict,
    RuleKind.MAJORITY: _majority_verdict,
    RuleKind.UNANIMITY: _unanimity_verdict,
}


def check_outcome_allowed(
    tally: Tally, outcome: ProposalState, *, decided_by: int | None = None
) -> Tally:
    """Raise unless the proposal's rule allows closing with ``outcome`` given ``tally``; return
    the tally the decision keeps. A decider deciding under consent gives their own voice by
    doing so: if theirs is the last one awaited and nobody blocks, they may accept, and the
    kept tally says so."""
    if outcome not in (ACCEPTED, REJECTED):
        raise ValidationFailed("An outcome is accepted or rejected.", field="outcome")
    if (
        tally.rule is RuleKind.CONSENT
        and tally.verdict is None
        and not tally.blocked_by
        and decided_by is not None
        and set(tally.missing_voices) <= {decided_by}
    ):
        tally = replace(
            tally,
            verdict=ACCEPTED,
            reason=TallyReason("tally.consent.decider_last"),
        )
    if tally.rule is RuleKind.DECIDER or tally.verdict is outcome:
        return tally
    state = ProposalState.OPEN.value
    why = texts_for("en").render(tally.reason)  # errors are English, as all the API's are
    if tally.verdict is None:
        raise InvalidTransition(
            f"Under {tally.rule.value} the proposal cannot be {outcome.value} yet: {why}",
            state=state,
        )
    raise InvalidTransition(
        f"Under {tally.rule.value} the proposal can only be {tally.verdict.value}: {why}",
        state=state,
    )


def _reaches(part: int, whole: int, ratio: float) -> bool:
    """``part / whole >= ratio``, exact at the edge. Floats miss it both ways (``9 / 14 * 42`` is
    27.000000000000004; a share rounded to 0.333333 falls short of 1 / 3), so compare fractions,
    reading the ratio as the simple fraction it stands for (0.7 as 7/10, 1 / 3 as 1/3)."""
    return Fraction(part) >= _ratio(ratio) * whole


def _ratio(ratio: float) -> Fraction:
    return Fraction(ratio).limit_denominator(RATIO_PRECISION)


def _percents(share: Fraction, needed: Fraction) -> tuple[Percent, Percent]:
    """Both as percentages with the fewest decimals that keep their order: never "67 % agree,
    67 % needed" for a share of 2/3 that misses 0.67 (shown as 66.7 % and 67.0 %). Each is
    rounded here, exactly, so the catalogue only writes the digits in the reader's language."""
    for decimals in range(5):
        shown = (_rounded(share, decimals), _rounded(needed, decimals))
        if (shown[0] >= shown[1]) == (share >= needed):
            return Percent(float(shown[0]), decimals), Percent(float(shown[1]), decimals)
    return Percent(float(share), 6), Percent(float(needed), 6)


def _rounded(share: Fraction, decimals: int) -> Fraction:
    """``share`` as a percentage rounded to ``decimals`` (half to even), back as a share."""
    scale = 100 * 10**decimals
    return Fraction(round(share * scale), scale)
