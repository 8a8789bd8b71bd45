"""Probably away: the absence an automatic reply announces (``domain.inferred_absences``), and
its end as soon as the person acts.

Inferring is part of the change that records the automatic reply (``reply_intake``), so a
redelivered message infers nothing twice. The change has no actor (actas read a mailbox;
nobody did anything), and records no organisation event: a probable absence is shown only to
those ``absences.may_see_probable`` names, through the alerts it sets off (``away_alerts``).
"""

from __future__ import annotations

from collections.abc import Sequence

from actas.api.domain.inferred_absences import inferred_span
from actas.api.domain.vocabulary import AbsenceSource
from actas.api.models import Absence, Event
from actas.api.services.away_alerts import alert_on_absence
from actas.api.services.recording import Change


async def infer_from_auto_reply(
    work: Change, user_id: int, text: str, *, subject: str = ""
) -> None:
    """``user_id``'s mailbox answered automatically with ``text``: they are probably away,
    unless a recorded absence already says so. A later reply may date it, or push its end
    further; only the first one alerts."""
    span = inferred_span(text, work.at, subject=subject)
    covering = await Absence.filter(
        organisation_id=work.organisation_id,
        user_id=user_id,
        starts_at__lte=work.at,
        ends_at__gt=work.at,
    ).values("id", "source", "ends_at", "until_stated")
    if any(row["source"] == AbsenceSource.RECORDED for row in covering):
        return
    if covering:
        # A date given replaces one assumed, and a later one an earlier.
        outdated = [
            row["id"]
            for row in covering
            if not row["until_stated"] or row["ends_at"] < span.ends_at
        ]
        if span.until_stated and outdated:
            await Absence.filter(id__in=outdated).update(
                ends_at=span.ends_at, until_stated=True, updated_at=work.at
            )
        return
    await Absence.create(
        organisation_id=work.organisation_id,
        user_id=user_id,
        starts_at=span.starts_at,
        ends_at=span.ends_at,
        source=AbsenceSource.AUTO_REPLY,
        until_stated=span.until_stated,
        recorded_by_id=user_id,
        created_at=work.at,
        updated_at=work.at,
    )
    await alert_on_absence(work, user_id, span.starts_at)


async def end_on_action(events: Sequence[Event]) -> None:
    """Whoever made a change is back: their probable absences end now, in every organisation
    (one statement, whatever the change)."""
    actors = sorted({e.actor_id for e in events if e.actor_id is not None})
    if not actors:
        return
    at = events[0].created_at
    await Absence.filter(
        user_id__in=actors, source=AbsenceSource.AUTO_REPLY, starts_at__lte=at, ends_at__gt=at
    ).update(ends_at=at, updated_at=at)
