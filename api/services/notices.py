"""What a notification email tells its reader, gathered for a whole batch of deliveries with a
fixed number of queries: the event and who did it, the proposal and what is asked of the reader
(their part under the rule, the deadline, one link per stance), where it stands and who it still
waits for (the ``Electorate``), for a reminder where the debate stands (``reminder_debates``)
and the newest arguments since the reader was last told, and the reader's personal links: the
proposal page, settings, one-click unsubscribe, and the reply address."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from actas.api import clock
from actas.api.catalogue import texts_for
from actas.api.domain.electorate import Electorate
from actas.api.domain.inferred_absences import last_day
from actas.api.domain.lifecycle import deadline_passed
from actas.api.domain.notifications import Reason
from actas.api.domain.parts import part_of
from actas.api.domain.payloads import (
    AbsenceChanged,
    AbsenceEnded,
    AbsenceRecorded,
    ArgumentAdded,
    DeadlineApproaching,
    DeadlinePassed,
    FollowUpDue,
    MemberInvited,
    OutcomeReviewDue,
    Payload,
    Reminding,
    VoiceAway,
    VoiceProbablyAway,
)
from actas.api.domain.payloads import read as read_payload
from actas.api.domain.references import format_reference
from actas.api.domain.vocabulary import (
    Language,
    ParticipantRole,
    PositionStance,
    ProposalState,
    RuleKind,
)
from actas.api.models import Argument, Delivery, Event, Notification, Position, Proposal, User
from actas.api.models import Participant as ParticipantRow
from actas.api.services import mail, reply_addresses
from actas.api.services.electorates import electorates_from
from actas.api.services.personal_links import PersonalKey, PersonalLinks, Purpose, page_link
from actas.api.services.reminder_debates import Debates
from actas.api.services.reply_addresses import ReplyTarget
from actas.api.services.tallies import tally_as_read
from actas.api.settings import Settings

# The payload field quoted in an email, the first present (a follow-up's, its note or title).
EXCERPT_FIELDS = (
    "body",
    "statement",
    "reason",
    "change_note",
    "summary",
    "comment",
    "note",
    "title",
)
RECENT = 3  # newest arguments a reminder quotes
# The member's own pages a key opens (``api/pages``).
PAGES = {
    Purpose.INVITATION: "invitation",
    Purpose.SETTINGS: "settings",
    Purpose.UNSUBSCRIBE: "unsubscribe",
}
ASKING = (Reason.INVITED, Reason.REMINDER)
REMINDING = (Reason.REMINDER, Reason.ESCALATION)  # told where the debate stands, what is new


@dataclass(frozen=True)
class _Batch:
    """What a batch of notification emails reads, by id."""

    notifications: dict[int, Notification]
    events: dict[int, Event]
    payloads: dict[int, Payload]
    proposals: dict[int, Proposal]
    organisations: dict[int, str]
    people: dict[int, User]
    roles: dict[int, dict[int, ParticipantRole]]
    electorates: dict[int, Electorate]
    debates: Debates  # of the open proposals reminded of
    recent: dict[tuple[int, int], list[tuple[str, str]]]  # (user, proposal): newest arguments


async def notification_letters(
    settings: Settings, deliveries: Sequence[Delivery], organisations: dict[int, str]
) -> dict[int, mail.Letter]:
    """Each notification's email."""
    if not deliveries:
        return {}
    batch = await _read(deliveries, organisations)
    keys = await _personal_keys(settings, deliveries, batch)
    replies = await reply_addresses.addresses_for(
        settings.signing_key,
        settings.reply_domain,
        [
            ReplyTarget(
                delivery_key=d.key,
                user_id=n.user_id,
                organisation_id=d.organisation_id,
                proposal_id=n.proposal_id,
                argument_id=_argument_of(batch.payloads[n.event_id]),
            )
            for d in deliveries
            if (n := batch.notifications[d.notification_id or 0]).proposal_id in batch.proposals
        ],
    )
    letters = {}
    for delivery in deliveries:
        notification = batch.notifications[delivery.notification_id or 0]
        recipient = batch.people[notification.user_id]
        notice = _notice(settings, delivery, notification, batch, keys)
        letter = mail.compose(
            notice, key=delivery.key, to=recipient.email, language=Language(recipient.language)
        )
        proposal = batch.proposals.get(notification.proposal_id or 0)
        letters[delivery.id] = replace(
            letter,
            thread=mail.thread_root(proposal.id) if proposal else None,
            reply_to=replies.get(delivery.key),
            unsubscribe=keys.get((delivery.id, Purpose.UNSUBSCRIBE)),
        )
    return letters


def _notice(
    settings: Settings,
    delivery: Delivery,
    notification: Notification,
    batch: _Batch,
    keys: dict[tuple[int, Purpose], str],
) -> mail.Notice:
    event = batch.events[notification.event_id]
    payload = batch.payloads[event.id]
    reason = Reason(notification.reason)
    recipient = batch.people[notification.user_id]
    actor = batch.people.get(event.actor_id or 0)
    organisation = batch.organisations[delivery.organisation_id]
    what = sentence_key(reason, payload)
    excerpt = next((text for f in EXCERPT_FIELDS if (text := payload.text(f))), "")
    if isinstance(payload, _TOLD_OF_ABSENCE):
        excerpt = _absence_said(payload, reason, batch, recipient.language)
    silent = [batch.people[u].name for u in _silent_named_to(notification, payload)]
    settings_link = keys.get((delivery.id, Purpose.SETTINGS))
    proposal = batch.proposals.get(notification.proposal_id or 0)
    if proposal is None:
        # An invitation links to its answer; a welcome, or anything else, to the member's page.
        invitation = keys.get((delivery.id, Purpose.INVITATION))
        return mail.Notice(
            what=what,
            reason=reason,
            actor=actor.name if actor else None,
            organisation=organisation,
            # A membership's payload is its terms (a title is not something said to quote).
            excerpt=_absence_said(payload, reason, batch, recipient.language)
            if isinstance(payload, _ABSENCES)
            else ""
            if reason in (Reason.MEMBERSHIP, Reason.INVITATION)
            else excerpt,
            silent=silent,
            link=invitation or settings_link,
            link_label="mail.invitation.open" if invitation else "mail.welcome.open",
        )
    t = texts_for(recipient.language)
    reference = format_reference(proposal.organisation.slug, proposal.number)
    page = page_link(settings.link_template, reference, keys[(delivery.id, Purpose.PROPOSAL)])
    is_open = proposal.state == ProposalState.OPEN
    electorate = batch.electorates.get(proposal.id)
    late = deadline_passed(proposal.deadline, now=clock.now())
    awaited = electorate.silent if electorate and not late else ()
    # Whom the reader speaks for while they are away: asked for their voices, not their own.
    spoken_for = electorate.speaks_for(recipient.id) if electorate and not late else ()
    # Buttons whenever the reader's own position is wanted: asked for it, or still awaited.
    asked = (
        is_open and not late and (recipient.id in awaited or (reason in ASKING and not spoken_for))
    )
    argument = _argument_of(payload)
    part = (
        part_of(
            t,
            recipient.id,
            role=batch.roles.get(proposal.id, {}).get(recipient.id),
            rule=RuleKind(proposal.rule),
            electorate=electorate,
            deadline_passed=late,
        )
        if is_open
        else ""
    )
    if electorate and spoken_for:
        part = " ".join(
            [
                *(
                    t.gettext(
                        "absence.you_speak_for",
                        member=batch.people[u].name,
                        until=t.format_date(electorate.away[u].until.date()),
                    )
                    for u in spoken_for
                ),
                part if recipient.id in awaited else "",
            ]
        ).strip()
    opens = f"{page}#for-{spoken_for[0]}" if spoken_for else page
    if spoken_for and recipient.id not in awaited and what == Reason.REMINDER.value:
        what = "reminder.for_absent"  # their own voice is not the one missing
    return mail.Notice(
        what=what,
        reason=reason,
        actor=actor.name if actor else None,
        organisation=organisation,
        reference=reference,
        title=proposal.title,
        excerpt=excerpt,
        link=opens,
        silent=silent,
        deadline=proposal.deadline if is_open else None,
        part=part,
        summary=proposal.summary if is_open else "",
        standing=_standing(proposal, recipient.language) if is_open else "",
        # Others still awaited: the reader's own part is said above.
        awaited=[batch.people[u].name for u in awaited if u in batch.people and u != recipient.id],
        debate=batch.debates.where_it_stands(
            proposal.id,
            author_id=proposal.author_id,
            reader_id=recipient.id,
            page=page,
            language=Language(recipient.language),
        )
        if is_open and reason in REMINDING
        else [],
        recent=batch.recent.get((recipient.id, proposal.id), []),
        positions=_position_links(page, proposal, electorate, recipient.id) if asked else None,
        reply_link=(f"{page}&reply={argument}#argument-{argument}" if argument else f"{page}#argue")
        if is_open
        else None,
        settings_link=settings_link,
    )


def _standing(proposal: Proposal, language: str) -> str:
    tally = tally_as_read(
        proposal.tally, state=ProposalState(proposal.state), deadline=proposal.deadline
    )
    return texts_for(language).render(tally.reason)


async def _read(deliveries: Sequence[Delivery], organisations: dict[int, str]) -> _Batch:
    notifications = {
        n.id: n for n in await Notification.filter(id__in=[d.notification_id for d in deliveries])
    }
    events = {
        e.id: e for e in await Event.filter(id__in=[n.event_id for n in notifications.values()])
    }
    payloads = {e.id: read_payload(e.type, e.payload) for e in events.values()}
    proposals = {
        p.id: p
        for p in await Proposal.filter(
            id__in=[n.proposal_id for n in notifications.values() if n.proposal_id]
        ).select_related("organisation")
    }
    open_ids = [p.id for p in proposals.values() if p.state == ProposalState.OPEN]
    roles: dict[int, dict[int, ParticipantRole]] = {pid: {} for pid in proposals}
    for pid, user, role in await ParticipantRow.filter(proposal_id__in=list(proposals)).values_list(
        "proposal_id", "user_id", "role"
    ):
        roles[pid][user] = ParticipantRole(role)
    stances: dict[int, dict[int, PositionStance]] = {pid: {} for pid in open_ids}
    for pid, user, stance in await Position.filter(proposal_id__in=open_ids).values_list(
        "proposal_id", "user_id", "stance"
    ):
        stances[pid][user] = PositionStance(stance)
    electorates = await electorates_from([proposals[pid] for pid in open_ids], roles, stances)
    debates = await Debates.read(
        [
            n.proposal_id
            for n in notifications.values()
            if n.reason in REMINDING and n.proposal_id in open_ids
        ]
    )
    recent = await _recent_arguments(notifications, proposals)
    people_ids = (
        [n.user_id for n in notifications.values()]
        + [e.actor_id for e in events.values() if e.actor_id]
        + [u for n in notifications.values() for u in _silent_named_to(n, payloads[n.event_id])]
        + [u for e in electorates.values() for u in e.silent]
        + [p.user for p in payloads.values() if isinstance(p, _TOLD_OF_ABSENCE)]
    )
    people = {u.id: u for u in await User.filter(id__in=sorted(set(people_ids)))}
    return _Batch(
        notifications,
        events,
        payloads,
        proposals,
        organisations,
        people,
        roles,
        electorates,
        debates,
        recent,
    )


async def _recent_arguments(
    notifications: dict[int, Notification], proposals: dict[int, Proposal]
) -> dict[tuple[int, int], list[tuple[str, str]]]:
    """For each reminder, the newest arguments on its proposal since the reader was last told
    about it (two queries for the batch)."""
    reminders = [
        n for n in notifications.values() if n.reason in REMINDING and n.proposal_id in proposals
    ]
    if not reminders:
        return {}
    told: dict[tuple[int, int], datetime] = {}
    earlier = await Notification.filter(
        user_id__in=sorted({n.user_id for n in reminders}),
        proposal_id__in=sorted({n.proposal_id or 0 for n in reminders}),
        id__lt=max(n.id for n in reminders),
    ).values_list("user_id", "proposal_id", "created_at", "id")
    now_told = {(n.user_id, n.proposal_id or 0): n.id for n in reminders}
    for user, proposal, at, notification_id in earlier:
        pair = (user, proposal)
        if notification_id < now_told.get(pair, 0) and (pair not in told or at > told[pair]):
            told[pair] = at
    since = min(told.values(), default=None)
    rows = (
        await Argument.filter(
            proposal_id__in=sorted({n.proposal_id or 0 for n in reminders}),
            **({"created_at__gt": since} if since else {}),
        )
        .order_by("-id")
        .values_list("proposal_id", "created_at", "author__name", "body")
    )
    recent: dict[tuple[int, int], list[tuple[str, str]]] = {}
    for n in reminders:
        pair = (n.user_id, n.proposal_id or 0)
        after = told.get(pair)
        recent[pair] = [
            (name, body)
            for proposal, at, name, body in rows
            if proposal == n.proposal_id and (after is None or at > after)
        ][:RECENT]
    return recent


async def _personal_keys(
    settings: Settings, deliveries: Sequence[Delivery], batch: _Batch
) -> dict[tuple[int, Purpose], str]:
    """Each email's personal keys (one query for them all): to its proposal's page, and to the
    reader's settings and one-click unsubscribe in the delivery's organisation."""
    wanted: list[tuple[int, PersonalKey]] = []
    for d in deliveries:
        n = batch.notifications[d.notification_id or 0]
        payload = batch.payloads[n.event_id]
        if isinstance(payload, MemberInvited):  # not a member yet: the invitation is all
            key = PersonalKey(Purpose.INVITATION, n.user_id, d.organisation_id, payload.invitation)
            wanted.append((d.id, key))
            continue
        for purpose in (Purpose.SETTINGS, Purpose.UNSUBSCRIBE):
            wanted.append((d.id, PersonalKey(purpose, n.user_id, d.organisation_id)))
        if n.proposal_id in batch.proposals:
            key = PersonalKey(Purpose.PROPOSAL, n.user_id, d.organisation_id, n.proposal_id)
            wanted.append((d.id, key))
    made = await PersonalLinks(settings.signing_key).keys([k for _, k in wanted])
    keys: dict[tuple[int, Purpose], str] = {}
    for (delivery_id, key), value in zip(wanted, made, strict=True):
        if key.purpose is Purpose.PROPOSAL:
            keys[(delivery_id, key.purpose)] = value
        else:
            path = PAGES[key.purpose]
            keys[(delivery_id, key.purpose)] = f"{settings.public_url}/{path}?k={value}"
    return keys


def _argument_of(payload: Payload) -> int | None:
    """The argument an email is about, which a reply answers."""
    return payload.argument if isinstance(payload, ArgumentAdded) else None


def _position_links(
    page: str, proposal: Proposal, electorate: Electorate | None, user_id: int
) -> dict[PositionStance, str]:
    """One link per stance the reader may take, as the page offers them: the page, opened with
    it chosen. Under consent only a voice whose block counts may block."""
    blocks = proposal.rule != RuleKind.CONSENT or (
        electorate is not None and electorate.may_block(user_id)
    )
    return {
        s: f"{page}&position={s.value}#position"
        for s in PositionStance
        if s is not PositionStance.BLOCK or blocks
    }


_ABSENCES = (AbsenceRecorded, AbsenceChanged, AbsenceEnded)
_TOLD_OF_ABSENCE = (*_ABSENCES, VoiceAway, VoiceProbablyAway)


def _absence_said(payload: Payload, reason: Reason, batch: _Batch, language: str) -> str:
    """What an absence's email says: whom the delegate speaks for until when, or until when
    the member is away (for an ended one, when it ended)."""
    assert isinstance(payload, _TOLD_OF_ABSENCE)
    t = texts_for(language)
    if isinstance(payload, AbsenceEnded):
        until = payload.ended_at
    elif isinstance(payload, (VoiceAway, VoiceProbablyAway)):
        until = payload.until
    else:
        until = payload.ends_at
    words = {
        "member": batch.people[payload.user].name,
        "until": t.format_date(datetime.fromisoformat(until).date()),
    }
    if isinstance(payload, VoiceProbablyAway):
        words["until"] = t.format_date(last_day(datetime.fromisoformat(until)))
        dated = "until" if payload.until_stated else "undated"
        return t.gettext(f"absence.probably_away_{dated}", **words)
    key = "absence.you_speak_for" if reason is Reason.DELEGATION else "absence.away_until"
    return t.gettext(key, **words)


def _silent_named_to(notification: Notification, payload: Payload) -> list[int]:
    """Whom a head is alerted about: the silent people of their unit the step names for them
    (also when the same step reminds them, as someone's delegate or for their own voice: one
    notification a person, reason reminder, still names them)."""
    if notification.reason not in (Reason.ESCALATION, Reason.REMINDER):
        return []
    if not isinstance(payload, Reminding):
        return []
    return payload.silent_named_to(notification.user_id)


def sentence_key(reason: Reason, payload: Payload) -> str:
    """Which ``mail.happened.*`` sentence says what happened to this recipient."""
    if isinstance(payload, DeadlineApproaching):
        return reason.value  # reminder | escalation
    if isinstance(payload, DeadlinePassed):
        told = reason if reason in (Reason.REMINDER, Reason.ESCALATION) else None
        return f"deadline_passed.{told.value}" if told else "deadline_passed"
    if isinstance(payload, FollowUpDue):
        return "follow_up.late" if payload.overdue else "follow_up"
    if isinstance(payload, OutcomeReviewDue):
        return "outcome_review"
    return payload.event_type.value
