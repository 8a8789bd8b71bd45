"""Joining through the API: an admin invites, the invitee answers. The inviting answer never says
whether an address has an account, the invitee's name shows only once they accept, and where
only instance admins found organisations, nobody else learns which slugs are taken."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest

from actas.api.domain.membership import OrganisationCreators
from actas.api.models import User
from actas.api.services.users import set_instance_admin
from actas.api.settings import Settings
from actas.schema.http import ActasGraphQL
from tests.factories import World, build_world, person, unique
from tests.schema.client import Api, Data, db_id, gid, token, token_for

INVITE = """mutation($input: InviteMemberInput!) {
  inviteMember(input: $input) {
    __typename
    ... on InvitationSent { email message }
    ... on Error { message code }
  }
}"""
ANSWER = """mutation($input: %(Verb)sInvitationInput!) {
  %(verb)sInvitation(input: $input) {
    __typename
    ... on %(Result)s
    ... on Error { message code }
    ... on ValidationError { field }
  }
}"""
RESULTS = {
    "accept": "Membership { id role title user { name } organisation { slug } }",
    "decline": "Invitation { id state answeredAt }",
    "revoke": "Invitation { id state answeredAt }",
}
WAITING = """{ viewer { invitations {
  id email role title state organisationName organisationSlug invitedBy { name }
} } }"""
SEEN_BY_ADMINS = """query($slug: String!) { organisation(slug: $slug) {
  members(first: 100) { nodes { user { name email } } }
  invitations { nodes { id email state } }
  events(first: 20) { nodes { type payload } }
} }"""
CREATE = """mutation($slug: String!) {
  createOrganisation(input: {slug: $slug, name: "Mine"}) {
    __typename ... on Organisation { slug } ... on Error { message code }
  }
}"""


async def invite(api: Api, world: World, email: str, **more: Any) -> tuple[int, bytes]:
    """The raw answer to inviting ``email``: status and the body's data, as bytes."""
    secret = await token(world, "admin")
    variables = {
        "input": {
            "organisation": gid("Organisation", world.organisation.id),
            "email": email,
            **more,
        }
    }
    response = await api.post(INVITE, variables, token=secret)
    body = response.json()
    assert "errors" not in body, body
    return response.status_code, orjson.dumps(body["data"])


async def answer(api: Api, secret: str, verb: str, invitation: str) -> Data:
    document = ANSWER % {"Verb": verb.title(), "verb": verb, "Result": RESULTS[verb]}
    return await api.mutate(document, {"input": {"invitation": invitation}}, token=secret)


async def the_invitees_side(api: Api, email: str) -> tuple[str, list[Data]]:
    """The invitee's token and what they see waiting for them."""
    secret = await token_for((await User.get(email=email)).id)
    return secret, (await api.run(WAITING, token=secret))["viewer"]["invitations"]


# --- one answer for every address ---------------------------------------------------------------


async def test_the_answer_is_the_same_for_every_kind_of_address(api: Api) -> None:
    world = await build_world()
    has_an_account = (await person("known")).email
    has_none = f"{unique('unknown')}@example.org"
    already_invited = f"{unique('invited')}@example.org"
    await invite(api, world, already_invited)
    already_a_member = world.users["ana"].email

    answers = {
        email: await invite(api, world, email, name="Somebody")
        for email in (has_an_account, has_none, already_invited, already_a_member)
    }

    # Byte for byte, once the address itself (which the admin typed) is set aside.
    assert (
        len(
            {
                (status, data.replace(email.encode(), b"ADDRESS"))
                for email, (status, data) in answers.items()
            }
        )
        == 1
    )
    status, data = answers[has_none]
    assert status == 200
    assert orjson.loads(data) == {
        "inviteMember": {
            "__typename": "InvitationSent",
            "email": has_none,
            "message": "Invitation sent: they become a member once they accept it (within 14 "
            "days).",
        }
    }


async def test_the_invitees_name_shows_only_once_they_accept(api: Api) -> None:
    world = await build_world()
    nadia = await person("nadia")  # an account of her own, named "Nadia"
    admin = await token(world, "admin")
    await invite(api, world, nadia.email, title="PM", role="MEMBER")

    before = (await api.run(SEEN_BY_ADMINS, {"slug": world.organisation.slug}, token=admin))[
        "organisation"
    ]
    secret, [waiting] = await the_invitees_side(api, nadia.email)
    joined = await answer(api, secret, "accept", waiting["id"])
    after = (await api.run(SEEN_BY_ADMINS, {"slug": world.organisation.slug}, token=admin))[
        "organisation"
    ]

    assert "Nadia" not in orjson.dumps(before).decode()
    assert str(nadia.id) not in [
        str(v) for e in before["events"]["nodes"] for v in e["payload"].values()
    ]
    assert before["invitations"]["nodes"] == [
        {"id": waiting["id"], "email": nadia.email, "state": "PENDING"}
    ]
    assert waiting == {
        "id": waiting["id"],
        "email": nadia.email,
        "role": "MEMBER",
        "title": "PM",
        "state": "PENDING",
        "organisationName": world.organisation.name,
        "organisationSlug": world.organisation.slug,
        "invitedBy": {"name": "Admin"},
    }
    assert joined == {
        "__typename": "Membership",
        "id": joined["id"],
        "role": "MEMBER",
        "title": "PM",
        "user": {"name": "Nadia"},
        "organisation": {"slug": world.organisation.slug},
    }
    assert {"name": "Nadia", "email": nadia.email} in [m["user"] for m in after["members"]["nodes"]]
    assert after["invitations"]["nodes"][0]["state"] == "ACCEPTED"


async def test_accepting_twice_gives_the_same_membership(api: Api) -> None:
    world = await build_world()
    email = f"{unique('twice')}@example.org"
    await invite(api, world, email)
    secret, [waiting] = await the_invitees_side(api, email)

    first = await answer(api, secret, "accept", waiting["id"])
    second = await answer(api, secret, "accept", waiting["id"])

    assert first == second
    assert first["__typename"] == "Membership"
    assert (await api.run(WAITING, token=secret))["viewer"]["invitations"] == []


async def test_declining_leaves_the_organisation_as_it_was(api: Api) -> None:
    world = await build_world()
    email = f"{unique('no')}@example.org"
    await invite(api, world, email)
    secret, [waiting] = await the_invitees_side(api, email)

    declined = await answer(api, secret, "decline", waiting["id"])
    too_late = await answer(api, secret, "accept", waiting["id"])

    assert (declined["__typename"], declined["state"]) == ("Invitation", "DECLINED")
    assert declined["answeredAt"] is not None
    assert too_late == {
        "__typename": "ValidationError",
        "message": "You declined this invitation: ask for a new one.",
        "code": "validation",
        "field": "invitation",
    }
    organisations = await api.run("{ viewer { organisations { slug } } }", token=secret)
    assert organisations["viewer"]["organisations"] == []


async def test_an_admin_revokes_and_only_an_admin(api: Api) -> None:
    world = await build_world()
    email = f"{unique('revoked')}@example.org"
    await invite(api, world, email)
    secret, [waiting] = await the_invitees_side(api, email)
    ana = await token(world, "ana")

    by_a_member = await answer(api, ana, "revoke", waiting["id"])
    unseen = await api.run(
        "query($id: ID!) { node(id: $id) { id } }", {"id": waiting["id"]}, token=ana
    )
    revoked = await answer(api, await token(world, "admin"), "revoke", waiting["id"])
    then_accepted = await answer(api, secret, "accept", waiting["id"])

    assert by_a_member["__typename"] == "ForbiddenError"
    assert unseen == {"node": None}
    assert revoked["state"] == "REVOKED"
    assert then_accepted["message"] == "This invitation was withdrawn."
    assert (await api.run(WAITING, token=secret))["viewer"]["invitations"] == []


async def test_an_invitation_is_seen_by_its_invitee_and_admins_only(api: Api) -> None:
    world = await build_world()
    email = f"{unique('seen')}@example.org"
    await invite(api, world, email)
    secret, [waiting] = await the_invitees_side(api, email)
    node = "query($id: ID!) { node(id: $id) { ... on Invitation { state } } }"
    outsider = await token_for((await person("outsider")).id)

    seen = {
        who: (await api.run(node, {"id": waiting["id"]}, token=key))["node"]
        for who, key in {
            "invitee": secret,
            "admin": await token(world, "admin"),
            "member": await token(world, "mara"),
            "outsider": outsider,
        }.items()
    }
    theirs = await answer(api, outsider, "accept", waiting["id"])
    listed = "query($slug: String!) { organisation(slug: $slug) { invitations { nodes { id } } } }"
    by_a_member = await api.run(
        listed, {"slug": world.organisation.slug}, token=await token(world, "mara")
    )

    assert seen == {
        "invitee": {"state": "PENDING"},
        "admin": {"state": "PENDING"},
        "member": None,
        "outsider": None,
    }
    assert by_a_member == {"organisation": {"invitations": {"nodes": []}}}
    assert theirs == {
        "__typename": "NotFoundError",
        "message": f"No invitation {db_id(waiting['id'])} found.",
        "code": "not_found",
    }


# --- founding organisations ---------------------------------------------------------------------


@pytest.fixture
async def admins_only_api(database: Settings) -> AsyncIterator[Api]:
    settings = dataclasses.replace(database, organisation_creators=OrganisationCreators.ADMINS)
    async with Api.on(ActasGraphQL(settings)) as client:
        yield Api(client)


async def test_where_only_admins_found_organisations_a_slug_is_told_to_them_only(
    admins_only_api: Api,
) -> None:
    world = await build_world()
    stranger = await token_for((await person("stranger")).id)
    operator = await person("operator")
    await set_instance_admin(operator.email)

    refused = {
        slug: await admins_only_api.mutate(CREATE, {"slug": slug}, token=stranger)
        for slug in (world.organisation.slug, unique("free"))
    }
    taken = await admins_only_api.mutate(
        CREATE, {"slug": world.organisation.slug}, token=await token_for(operator.id)
    )

    assert (
        list(refused.values())
        == [
            {
                "__typename": "ForbiddenError",
                "message": "Only the instance's admins can create organisations here.",
                "code": "forbidden",
            }
        ]
        * 2
    )
    assert taken == {
        "__typename": "ValidationError",
        "message": f"The slug {world.organisation.slug!r} is taken.",
        "code": "validation",
    }


async def test_where_anyone_founds_organisations_a_stranger_does(api: Api) -> None:
    slug = unique("coop")

    created = await api.mutate(
        CREATE, {"slug": slug}, token=await token_for((await person("stranger")).id)
    )

    assert created == {"__typename": "Organisation", "slug": slug}
