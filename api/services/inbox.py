"""A person's in-app inbox: their notifications and what awaits them."""

from __future__ import annotations

from collections.abc import Sequence

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from actas.api import clock
from actas.api.domain.permissions import ensure_write_scope
from actas.api.domain.visibility import Viewer, visible_proposals
from actas.api.models import Notification


def notifications(viewer: Viewer, *, unread_only: bool = False) -> QuerySet[Notification]:
    """The viewer's notifications about what they may still see (losing access to a proposal
    also hides what they were told about it)."""
    visible = visible_proposals(viewer).values("id")
    query = Notification.filter(user_id=viewer.user_id).filter(
        Q(proposal_id__isnull=True) | Q(proposal_id__in=Subquery(visible))
    )
    return query.filter(read_at__isnull=True) if unread_only else query


async def unread_count(viewer: Viewer) -> int:
    return await notifications(viewer, unread_only=True).count()


async def mark_read(viewer: Viewer, notification_ids: Sequence[int]) -> int:
    """Mark some of your notifications read; returns how many changed."""
    ensure_write_scope(viewer)
    return await Notification.filter(
        user_id=viewer.user_id, id__in=list(notification_ids), read_at__isnull=True
    ).update(read_at=clock.now())


async def mark_all_read(viewer: Viewer) -> int:
    ensure_write_scope(viewer)
    return await Notification.filter(user_id=viewer.user_id, read_at__isnull=True).update(
        read_at=clock.now()
    )
