"""Invitations: nobody becomes a member without accepting, inviting tells nothing about who has
an account, and founding organisations follows the instance's setting."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import orjson
import pytest

from actas.api import clock
from actas.api.domain.errors import Forbidden, NotFound, ValidationFailed
from actas.api.domain.events import EventType
from actas.api.domain.membership import INVITATION_LIFETIME, InvitationState, OrganisationCreators
from actas.api.domain.vocabulary import DeliveryChannel, Language, Role
from actas.api.models import Delivery, Event, Invitation, Membership, Organisation, User
from actas.api.services import invitations, organisations
from actas.api.services.access import load_viewer
from actas.api.services.organisations import MembershipTerms
from actas.api.services.outbox import deliver_due
from actas.api.services.users import set_instance_admin
from actas.api.settings import Settings, SettingsError, load_settings
from tests.api.receivers import MailServer, fresh_era
from tests.api.test_outbox import worker_settings
from tests.factories import World, build_world, person, unique
from tests.schema.test_cli import Place, ok

ANALYST = MembershipTerms(title="Analyst", role=Role.MEMBER, weight=2)


async def invite(world: World, email: str, terms: MembershipTerms = ANALYST) -> str:
    return await invitations.invite_member(
        await world.viewer("admin"), world.organisation.id, email=email, terms=terms
    )


async def invitation_of(world: World, email: str) -> Invitation:
    return await Invitation.filter(
        organisation_id=world.organisation.id, invitee__email=email
    ).latest("id")


async def events_after(world: World, seq: int) -> list[Event]:
    return await Event.filter(organisation_id=world.organisation.id, seq__gt=seq).order_by("seq")


async def head(world: World) -> int:
    return await Event.filter(organisation_id=world.organisation.id).count()


# --- inviting -----------------------------------------------------------------------------------


async def test_a_known_and_an_unknown_address_are_invited_alike(database: Settings) -> None:
    world = await build_world()
    known = await person("known")
    unknown = f"{unique('unknown')}@example.org"
    before = await head(world)

    answers = [await invite(world, known.email), await invite(world, unknown.upper())]

    assert answers == [known.email, unknown]  # only the address, as cleaned
    recorded = await events_after(world, before)
    assert [e.type for e in recorded] == [EventType.MEMBER_INVITED] * 2
    payloads = [orjson.loads(e.payload) for e in recorded]
    # The record names the invitation, never the person: a fresh user id would say "new".
    for payload, event in zip(payloads, recorded, strict=True):
        invitation = await Invitation.get(id=payload["invitation"])
        assert payload == {
            "invitation": invitation.id,
            "terms": {
                "unit": None,
                "title": "Analyst",
                "role": "member",
                "external": False,
                "weight": 2,
            },
            "expires_at": payload["expires_at"],
        }
        assert invitation.expires_at == event.created_at + INVITATION_LIFETIME
    # Neither is a member yet; the unknown address has a pending account, named by its handle.
    assert not await Membership.filter(
        organisation_id=world.organisation.id, user__email__in=[known.email, unknown]
    ).exists()
    assert (await User.get(email=unknown)).name == unknown.split("@")[0]
    assert (await User.get(id=known.id)).name == known.name


async def test_a_name_given_for_an_existing_account_changes_nothing(database: Settings) -> None:
    world = await build_world()
    known = await person("known")

    await invitations.invite_member(
        await world.viewer("admin"),
        world.organisation.id,
        email=known.email,
        name="Someone Else",
        language=Language.EN,
        terms=ANALYST,
    )

    assert (await User.get(id=known.id)).name == known.name


async def test_inviting_a_member_or_someone_already_invited_changes_nothing(
    database: Settings,
) -> None:
    world = await build_world()
    invited = f"{unique('invited')}@example.org"
    await invite(world, invited)
    before = await head(world)

    again = await invite(world, invited)
    member = await invite(world, world.users["ana"].email)

    assert (again, member) == (invited, world.users["ana"].email)
    assert await events_after(world, before) == []
    assert await Invitation.filter(organisation_id=world.organisation.id).count() == 1


async def test_only_admins_invite(database: Settings) -> None:
    world = await build_world()
    outsider = await person("outsider")

    with pytest.raises(Forbidden):
        await invitations.invite_member(
            await world.viewer("ana"), world.organisation.id, email="x@example.org", terms=ANALYST
        )
    with pytest.raises(NotFound):
        await invitations.invite_member(
            await load_viewer(outsider.id),
            world.organisation.id,
            email="x@example.org",
            terms=ANALYST,
        )
    with pytest.raises(ValidationFailed) as bad:
        await invite(world, "not an address")
    assert bad.value.field == "email"


# --- answering ----------------------------------------------------------------------------------


async def test_accepting_makes_a_member_on_the_terms_offered_and_is_safe_to_repeat(
    database: Settings,
) -> None:
    world = await build_world()
    email = f"{unique('nadia')}@example.org"
    await invite(world, email, MembershipTerms(unit_id=world.units["analitica"].id, weight=3))
    nadia = await load_viewer((await User.get(email=email)).id)
    [waiting] = await invitations.pending_for(nadia.user_id)
    before = await head(world)

    membership = await invitations.accept_invitation(nadia, waiting.id)
    again = await invitations.accept_invitation(await load_viewer(nadia.user_id), waiting.id)

    assert again.id == membership.id
    assert (membership.unit_id, membership.weight, membership.role) == (
        world.units["analitica"].id,
        3,
        Role.MEMBER,
    )
    [added] = await events_after(world, before)
    assert added.type == EventType.MEMBER_ADDED and added.actor_id == nadia.user_id
    assert orjson.loads(added.payload)["invitation"] == waiting.id
    answered = await Invitation.get(id=waiting.id)
    assert (answered.state, answered.membership_id) == (InvitationState.ACCEPTED, membership.id)
    assert await invitations.pending_for(nadia.user_id) == []


async def test_declining_is_recorded_and_ends_the_invitation(database: Settings) -> None:
    world = await build_world()
    email = f"{unique('rui')}@example.org"
    await invite(world, email)
    rui = await load_viewer((await User.get(email=email)).id)
    invitation = await invitation_of(world, email)
    before = await head(world)

    await invitations.decline_invitation(rui, invitation.id)
    await invitations.decline_invitation(rui, invitation.id)  # again: nothing more

    [declined] = await events_after(world, before)
    assert declined.type == EventType.INVITATION_DECLINED
    assert orjson.loads(declined.payload) == {"invitation": invitation.id}
    with pytest.raises(ValidationFailed, match="You declined this invitation"):
        await invitations.accept_invitation(rui, invitation.id)
    assert not await Membership.exists(organisation_id=world.organisation.id, user_id=rui.user_id)


async def test_an_invitation_expires_after_fourteen_days(database: Settings) -> None:
    world = await build_world()
    email = f"{unique('late')}@example.org"
    era = clock.now()
    with clock.frozen_at(era):
        await invite(world, email)
    late = await load_viewer((await User.get(email=email)).id)
    invitation = await invitation_of(world, email)

    with clock.frozen_at(era + INVITATION_LIFETIME - timedelta(seconds=1)):
        assert [i.id for i in await invitations.pending_for(late.user_id)] == [invitation.id]
    with clock.frozen_at(era + INVITATION_LIFETIME):
        assert await invitations.pending_for(late.user_id) == []
        with pytest.raises(ValidationFailed, match="expired"):
            await invitations.accept_invitation(late, invitation.id)
        await invite(world, email)  # a lapsed invitation no longer stands in the way

    assert await Invitation.filter(invitee_id=late.user_id).count() == 2


async def test_an_admin_revokes_an_invitation_not_yet_answered(database: Settings) -> None:
    world = await build_world()
    email = f"{unique('teo')}@example.org"
    await invite(world, email)
    invitee = await load_viewer((await User.get(email=email)).id)
    invitation = await invitation_of(world, email)
    outsider = await load_viewer((await person("outsider")).id)

    with pytest.raises(Forbidden):
        await invitations.revoke_invitation(await world.viewer("ana"), invitation.id)
    with pytest.raises(NotFound):
        await invitations.revoke_invitation(outsider, invitation.id)
    with pytest.raises(NotFound):  # the invitee cannot revoke it either: they decline
        await invitations.revoke_invitation(invitee, invitation.id)
    before = await head(world)
    await invitations.revoke_invitation(await world.viewer("admin"), invitation.id)

    [revoked] = await events_after(world, before)
    assert revoked.type == EventType.INVITATION_REVOKED
    with pytest.raises(ValidationFailed, match="withdrawn"):
        await invitations.accept_invitation(invitee, invitation.id)


async def test_nobody_answers_someone_elses_invitation(database: Settings) -> None:
    world = await build_world()
    email = f"{unique('mine')}@example.org"
    await invite(world, email)
    invitation = await invitation_of(world, email)
    other = await load_viewer((await person("other")).id)

    with pytest.raises(NotFound):
        await invitations.accept_invitation(other, invitation.id)
    with pytest.raises(NotFound):
        await invitations.decline_invitation(other, invitation.id)


async def test_the_invitation_reaches_the_invitee_by_email(
    database: Settings, mail: MailServer
) -> None:
    era = fresh_era()
    with clock.frozen_at(era):
        world = await build_world()
        email = f"{unique('newcomer')}@example.org"
        await invite(world, email)
    invitation = await invitation_of(world, email)

    with clock.frozen_at(era + timedelta(minutes=1)):
        await deliver_due(worker_settings(database, mail))

    [letter] = mail.to(email)
    assert (
        letter.subject == f"[{world.organisation.name}] Admin le invita a unirse a la organización"
    )
    assert "Acéptela o recházela desde el enlace de abajo" in letter.text
    assert "Responder a la invitación: https://actas.example/invitation?k=" in letter.text
    [delivery] = await Delivery.filter(
        organisation_id=world.organisation.id,
        channel=DeliveryChannel.EMAIL,
        recipient_id=invitation.invitee_id,
    )
    assert delivery.sent_at is not None


# --- founding organisations ---------------------------------------------------------------------


async def test_where_only_admins_found_organisations_others_never_learn_a_slug_is_taken(
    database: Settings,
) -> None:
    world = await build_world()
    anyone = await load_viewer((await person("anyone")).id)
    admins_only = OrganisationCreators.ADMINS

    for slug in (world.organisation.slug, unique("free"), "Not a slug!"):
        with pytest.raises(Forbidden, match="Only the instance's admins"):
            await organisations.create_organisation(
                anyone, slug=slug, name="Mine", creators=admins_only
            )

    operator = await person("operator")
    await set_instance_admin(operator.email)
    with pytest.raises(ValidationFailed, match="is taken"):
        await organisations.create_organisation(
            await load_viewer(operator.id),
            slug=world.organisation.slug,
            name="Mine",
            creators=admins_only,
        )
    slug = unique("run")
    await organisations.create_organisation(
        await load_viewer(operator.id), slug=slug, name="Run", creators=admins_only
    )
    assert await Organisation.exists(slug=slug)


async def test_where_anyone_founds_organisations_anyone_does(database: Settings) -> None:
    anyone = await load_viewer((await person("anyone")).id)
    slug = unique("coop")

    await organisations.create_organisation(
        anyone, slug=slug, name="Coop", creators=OrganisationCreators.ANYONE
    )

    assert await Organisation.exists(slug=slug)


def test_production_lets_only_instance_admins_found_organisations_unless_told() -> None:
    secret = {"ACTAS_SECRET_KEY": "k" * 40}
    production = {"ACTAS_ENV": "production", **secret}

    assert load_settings({}).organisation_creators is OrganisationCreators.ANYONE
    assert load_settings(production).organisation_creators is OrganisationCreators.ADMINS
    opened_up = load_settings({**production, "ACTAS_ORGANISATION_CREATORS": "anyone"})
    assert opened_up.organisation_creators is OrganisationCreators.ANYONE
    closed = load_settings({"ACTAS_ORGANISATION_CREATORS": "admins"})
    assert closed.organisation_creators is OrganisationCreators.ADMINS
    with pytest.raises(SettingsError, match="ACTAS_ORGANISATION_CREATORS"):
        load_settings({"ACTAS_ORGANISATION_CREATORS": "everyone"})


def test_an_operator_names_and_unnames_instance_admins_from_the_command_line(
    tmp_path: Path,
) -> None:
    place = Place(tmp_path)
    ok(place.run("db", "migrate"))
    ok(place.run("token", "create", "--email", "ops@example.org", "--name", "Ops"))

    named = ok(place.run("user", "admin", "Ops@Example.org"))
    with sqlite3.connect(place.database) as connection:
        flagged = connection.execute("SELECT instance_admin FROM user").fetchall()
    unnamed = ok(place.run("user", "admin", "ops@example.org", "--remove"))
    with sqlite3.connect(place.database) as connection:
        cleared = connection.execute("SELECT instance_admin FROM user").fetchall()
    stranger = place.run("user", "admin", "nobody@example.org")

    assert named.strip() == "ops@example.org is now an instance admin."
    assert unnamed.strip() == "ops@example.org is no longer an instance admin."
    assert (flagged, cleared) == ([(1,)], [(0,)])
    assert stranger.returncode == 1
    assert "No user nobody@example.org found." in stranger.stderr
