"""Organisations, their unit tree and their members."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tortoise.exceptions import IntegrityError

from actas.api.domain import payloads
from actas.api.domain import validation as clean
from actas.api.domain.errors import NotFound, ValidationFailed
from actas.api.domain.membership import OrganisationCreators, ensure_may_create_organisation
from actas.api.domain.permissions import ensure_admin, ensure_write_scope
from actas.api.domain.rules import DecisionRule
from actas.api.domain.units import UnitTree
from actas.api.domain.visibility import Viewer
from actas.api.domain.vocabulary import VOTING_ROLES, Language, ProposalState, Role, RuleKind
from actas.api.models import Membership, Organisation, Participant, Unit, User
from actas.api.services.access import require_member
from actas.api.services.recording import Change, change
from actas.api.services.tallies import refresh_tallies
from actas.api.services.users import find_or_create_user


async def create_organisation(
    viewer: Viewer,
    *,
    slug: str,
    name: str,
    language: Language = Language.ES,
    default_rule: RuleKind = RuleKind.CONSENT,
    majority_threshold: float = 0.5,
    quorum: float = 0.5,
    creators: OrganisationCreators = OrganisationCreators.ANYONE,
) -> Organisation:
    """A new organisation whose first admin is its creator, if ``creators`` lets them found
    one (the API passes the instance's setting; operators' scripts may leave the default)."""
    ensure_write_scope(viewer)
    instance_admin = await User.filter(id=viewer.user_id, instance_admin=True).exists()
    ensure_may_create_organisation(creators, instance_admin=instance_admin)
    slug = clean.slug(slug)
    name = clean.text(name, field="name", max_length=200)
    DecisionRule(default_rule, majority_threshold, quorum)
    async with change(None, viewer.user_id) as work:
        if await Organisation.exists(slug=slug):
            raise ValidationFailed(f"The slug {slug!r} is taken.", field="slug")
        try:
            organisation = await Organisation.create(
                slug=slug,
                name=name,
                language=language,
                default_rule=default_rule,
                majority_threshold=majority_threshold,
                quorum=quorum,
                created_at=work.at,
                updated_at=work.at,
            )
        except IntegrityError:  # created concurrently since the check above
            raise ValidationFailed(f"The slug {slug!r} is taken.", field="slug") from None
        work.organisation_id = organisation.id
        membership = await Membership.create(
            organisation=organisation,
            user_id=viewer.user_id,
            role=Role.ADMIN,
            created_at=work.at,
            updated_at=work.at,
        )
        work.record(
            payloads.organisation_created(
                slug=slug,
                name=name,
                language=language,
                default_rule=default_rule,
                majority_threshold=majority_threshold,
                quorum=quorum,
            )
        )
        work.record(_member_added(membership))
    return organisation


@dataclass(frozen=True)
class OrganisationChanges:
    name: str | None = None
    language: Language | None = None
    default_rule: RuleKind | None = None
    majority_threshold: float | None = None
    quorum: float | None = None
    reminder_hours: Sequence[int] | None = None  # before a deadline, e.g. (48, 24)
    escalation_hours: int | None = None  # before a deadline; 0 = when it passes


async def update_organisation(
    viewer: Viewer, organisation_id: int, changes: OrganisationChanges
) -> Organisation:
    ensure_admin(viewer, require_member(viewer, organisation_id))
    async with change(organisation_id, viewer.user_id) as work:
        organisation = await Organisation.get(id=organisation_id)
        rule = DecisionRule(
            changes.default_rule or RuleKind(organisation.default_rule),
            _first(changes.majority_threshold, organisation.majority_threshold),
            _first(changes.quorum, organisation.quorum),
        )
        wanted: dict[str, Any] = {  # each a keyword of payloads.organisation_updated
            "name": organisation.name
            if changes.name is None
            else clean.text(changes.name, field="name", max_length=200),
            "language": changes.language or organisation.language,
            "default_rule": rule.kind,
            "majority_threshold": rule.threshold,
            "quorum": rule.quorum,
            "reminder_hours": organisation.reminder_hours
            if changes.reminder_hours is None
            else clean.hours_list(changes.reminder_hours, field="reminder_hours"),
            "escalation_hours": organisation.escalation_hours
            if changes.escalation_hours is None
            else clean.hours(changes.escalation_hours, field="escalation_hours"),
        }
        updates = {k: v for k, v in wanted.items() if getattr(organisation, k) != v}
        if updates:
            organisation.update_from_dict({**updates, "updated_at": work.at})
            await organisation.save()
            work.record(payloads.organisation_updated(**updates))
    return organisation


async def create_unit(
    viewer: Viewer,
    organisation_id: int,
    *,
    name: str,
    parent_id: int | None = None,
    head_id: int | None = None,
) -> Unit:
    ensure_admin(viewer, require_member(viewer, organisation_id))
    name = clean.text(name, field="name", max_length=200)
    async with change(organisation_id, viewer.user_id) as work:
        await _check_unit_placement(organisation_id, None, name, parent_id)
        await _check_member(organisation_id, head_id, field="head")
        unit = await Unit.create(
            organisation_id=organisation_id,
            name=name,
            parent_id=parent_id,
            head_id=head_id,
            created_at=work.at,
        )
        work.record(
            payloads.unit_created(
                unit=unit.id, name=unit.name, parent=unit.parent_id, head=unit.head_id
            )
        )
        await refresh_tallies(organisation_id)
    return unit


@dataclass(frozen=True)
class UnitChanges:
    name: str | None = None
    parent_id: int | None = None
    move_to_top: bool = False  # parent_id None means "unchanged"; this makes the unit a root
    head_id: int | None = None
    remove_head: bool = False


async def update_unit(viewer: Viewer, unit_id: int, changes: UnitChanges) -> Unit:
    unit = await _unit_of_viewer(viewer, unit_id)
    ensure_admin(viewer, require_member(viewer, unit.organisation_id))
    async with change(unit.organisation_id, viewer.user_id) as work:
        unit = await Unit.get(id=unit_id)
        name = (
            unit.name
            if changes.name is None
            else clean.text(changes.name, field="name", max_length=200)
        )
        parent_id = None if changes.move_to_top else (changes.parent_id or unit.parent_id)
        head_id = None if changes.remove_head else (changes.head_id or unit.head_id)
        await _check_unit_placement(unit.organisation_id, unit.id, name, parent_id)
        await _check_member(unit.organisation_id, head_id, field="head")
        before = _unit_payload(unit)
        unit.update_from_dict({"name": name, "parent_id": parent_id, "head_id": head_id})
        after = _unit_payload(unit)
        if after != before:
            await unit.save()
            work.record(after)
            await refresh_tallies(unit.organisation_id)
    return unit


@dataclass(frozen=True)
class MembershipTerms:
    """What a membership is: where the member sits and how much their voice weighs."""

    unit_id: int | None = None
    title: str = ""
    role: Role = Role.MEMBER
    external: bool = False
    weight: int = 1

    def cleaned(self) -> MembershipTerms:
        return MembershipTerms(
            unit_id=self.unit_id,
            title=clean.text(self.title, field="title", max_length=200, required=False),
            role=self.role,
            external=self.external,
            weight=clean.weight(self.weight),
        )


async def add_member(
    viewer: Viewer,
    organisation_id: int,
    *,
    email: str,
    name: str | None = None,
    language: Language | None = None,
    unit_id: int | None = None,
    title: str = "",
    role: Role = Role.MEMBER,
    external: bool = False,
    weight: int = 1,
) -> Membership:
    """Add a person (by email; created if new) to the organisation at once, without asking them.

    The trusted path for operators, the demo and tests; the API only invites
    (``invitations.invite_member``), so nobody is made a member without their consent."""
    ensure_admin(viewer, require_member(viewer, organisation_id))
    terms = MembershipTerms(unit_id, title, role, external, weight).cleaned()
    async with change(organisation_id, viewer.user_id) as work:
        user = await find_or_create_user(email, name=name, language=language)
        if await Membership.exists(organisation_id=organisation_id, user_id=user.id):
            raise ValidationFailed(f"{user.email} is already a member.", field="email")
        await check_unit(organisation_id, terms.unit_id)
        membership = await admit(work, user.id, terms)
    return membership


async def admit(
    work: Change, user_id: int, terms: MembershipTerms, *, invitation_id: int | None = None
) -> Membership:
    """Make ``user_id`` a member on ``terms``, inside ``work`` (the organisation's change),
    recording it with the invitation it answers, if any."""
    assert work.organisation_id is not None
    membership = await Membership.create(
        organisation_id=work.organisation_id,
        user_id=user_id,
        unit_id=terms.unit_id,
        title=terms.title,
        role=terms.role,
        external=terms.external,
        weight=terms.weight,
        created_at=work.at,
        updated_at=work.at,
    )
    work.record(_member_added(membership, invitation_id))
    await refresh_tallies(work.organisation_id)
    return membership


@dataclass(frozen=True)
class MembershipChanges:
    unit_id: int | None = None
    remove_from_unit: bool = False
    title: str | None = None
    role: Role | None = None
    external: bool | None = None
    weight: int | None = None


async def update_member(
    viewer: Viewer, membership_id: int, changes: MembershipChanges
) -> Membership:
    found = await Membership.get_or_none(id=membership_id)
    if found is None or viewer.member_of(found.organisation_id) is None:
        raise NotFound("membership", membership_id)
    organisation_id = found.organisation_id
    ensure_admin(viewer, require_member(viewer, organisation_id))
    async with change(organisation_id, viewer.user_id) as work:
        membership = await Membership.get(id=membership_id)
        updates: dict[str, object] = {}
        if changes.remove_from_unit:
            updates["unit_id"] = None
        elif changes.unit_id is not None:
            await check_unit(organisation_id, changes.unit_id)
            updates["unit_id"] = changes.unit_id
        if changes.title is not None:
            updates["title"] = clean.text(
                changes.title, field="title", max_length=200, required=False
            )
        if changes.role is not None:
            updates["role"] = changes.role
        if changes.external is not None:
            updates["external"] = changes.external
        if changes.weight is not None:
            updates["weight"] = clean.weight(changes.weight)
        updates = {k: v for k, v in updates.items() if getattr(membership, k) != v}
        if updates.get("role") not in (None, Role.ADMIN) and membership.role is Role.ADMIN:
            await _keep_one_admin(organisation_id, membership.id)
        if updates.get("role") is Role.OBSERVER:
            await _check_holds_no_voice(organisation_id, membership.user_id)
        if updates:
            membership.update_from_dict({**updates, "updated_at": work.at})
            await membership.save()
            work.record(
                payloads.member_updated(
                    membership=membership.id,
                    user=membership.user_id,
                    unit=membership.unit_id,
                    title=membership.title,
                    role=Role(membership.role),
                    external=membership.external,
                    weight=membership.weight,
                )
            )
            await refresh_tallies(organisation_id)
    return membership


async def _unit_of_viewer(viewer: Viewer, unit_id: int) -> Unit:
    unit = await Unit.get_or_none(id=unit_id)
    if unit is None or viewer.member_of(unit.organisation_id) is None:
        raise NotFound("unit", unit_id)
    return unit


async def check_unit(organisation_id: int, unit_id: int | None) -> None:
    if unit_id is not None and not await Unit.exists(id=unit_id, organisation_id=organisation_id):
        raise ValidationFailed("That unit is not in this organisation.", field="unit")


async def _check_member(organisation_id: int, user_id: int | None, *, field: str) -> None:
    if user_id is not None and not await Membership.exists(
        organisation_id=organisation_id, user_id=user_id
    ):
        raise ValidationFailed(f"The {field} must be a member of the organisation.", field=field)


async def _check_unit_placement(
    organisation_id: int, unit_id: int | None, name: str, parent_id: int | None
) -> None:
    """The parent is in the organisation, is not the unit or below it, and has no other child of
    the same name."""
    parents = dict(
        await Unit.filter(organisation_id=organisation_id).values_list("id", "parent_id")
    )
    if parent_id is not None:
        if parent_id not in parents:
            raise ValidationFailed("The parent unit is not in this organisation.", field="parent")
        if unit_id is not None and UnitTree(parents).is_within(parent_id, unit_id):
            raise ValidationFailed("A unit cannot be placed under itself.", field="parent")
    siblings = Unit.filter(organisation_id=organisation_id, parent_id=parent_id, name=name)
    if unit_id is not None:
        siblings = siblings.exclude(id=unit_id)
    if await siblings.exists():
        raise ValidationFailed(f"There is already a unit named {name!r} there.", field="name")


async def _keep_one_admin(organisation_id: int, leaving_membership_id: int) -> None:
    others = Membership.filter(organisation_id=organisation_id, role=Role.ADMIN).exclude(
        id=leaving_membership_id
    )
    if not await others.exists():
        raise ValidationFailed("An organisation needs at least one admin.", field="role")


async def _check_holds_no_voice(organisation_id: int, user_id: int) -> None:
    """Observers never decide, nor are required or consulted: a member who still is, on a
    proposal under way, cannot become one."""
    if await Participant.filter(
        organisation_id=organisation_id,
        user_id=user_id,
        role__in=sorted(VOTING_ROLES),
        proposal__state__in=[ProposalState.DRAFT, ProposalState.OPEN],
    ).exists():
        raise ValidationFailed(
            "An observer can only be an informed participant, and this member still has a voice "
            "on a proposal under way: make them informed there first.",
            field="role",
        )


def _unit_payload(unit: Unit) -> payloads.UnitUpdated:
    return payloads.unit_updated(
        unit=unit.id, name=unit.name, parent=unit.parent_id, head=unit.head_id
    )


def _member_added(membership: Membership, invitation_id: int | None = None) -> payloads.Payload:
    return payloads.member_added(
        membership=membership.id,
        user=membership.user_id,
        unit=membership.unit_id,
        title=membership.title,
        role=Role(membership.role),
        external=membership.external,
        weight=membership.weight,
        invitation=invitation_id,
    )


def _first(value: float | None, default: float) -> float:
    return default if value is None else value
