"""Authentication and token scope: a request without a valid bearer token gets 401 before any
GraphQL runs; a read-scoped token reads everything its person may see and writes nothing; people
mint and revoke their own tokens only."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from actas.api import clock
from actas.api.domain.vocabulary import PositionStance, ProposalState, Stance, TokenScope
from actas.api.models import ApiToken, Event, Invitation, Organisation
from actas.api.services import (
    absences,
    debate,
    follow_through,
    invitations,
    organisations,
    proposals,
    webhooks,
)
from actas.api.services.organisations import MembershipTerms
from actas.api.services.tokens import issue_token
from tests.factories import World, build_world, draft, opened, person, unique
from tests.schema.client import Api, db_id, gid, token, token_for

VIEWER = "{ viewer { user { name } } }"
UNAUTHORISED = "Send a valid API token: Authorization: Bearer <token>."


async def expect_401(api: Api, authorization: str | None, query: str = VIEWER) -> None:
    headers = {"Accept": "application/json"}
    if authorization is not None:
        headers["Authorization"] = authorization
    response = await api.client.post("/graphql", json={"query": query}, headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="actas"'
    assert response.json() == {"errors": [{"message": UNAUTHORISED}]}


async def test_a_valid_token_speaks_for_its_person(api: Api) -> None:
    world = await build_world()

    data = await api.run(VIEWER, token=await token(world, "mara"))

    assert data == {"viewer": {"user": {"name": "Mara"}}}


async def test_a_request_without_a_token_is_refused_before_graphql_runs(api: Api) -> None:
    await expect_401(api, None)
    # Not even a syntax error is reported: nothing was parsed.
    await expect_401(api, None, query="{ viewer {")


@pytest.mark.parametrize(
    "authorization",
    ["", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "actas_abc", "Token actas_abc", "Bearer a b"],
)
async def test_a_malformed_authorization_header_is_refused(api: Api, authorization: str) -> None:
    await expect_401(api, authorization)


async def test_an_unknown_token_is_refused(api: Api) -> None:
    world = await build_world()
    real = await token(world, "mara")

    await expect_401(api, f"Bearer actas_{unique('unknown')}")
    await expect_401(api, f"Bearer {real}x")
    await expect_401(api, f"Bearer {real[:-1]}")


async def test_an_expired_token_is_refused(api: Api) -> None:
    user = await person("late")
    with clock.frozen_at(datetime.now(UTC) - timedelta(days=2)):
        expired = await issue_token(user.id, scope=TokenScope.WRITE, days=1)
    fresh = await issue_token(user.id, scope=TokenScope.WRITE, days=1)

    await expect_401(api, f"Bearer {expired.secret}")
    assert await api.run(VIEWER, token=fresh.secret) == {"viewer": {"user": {"name": "Late"}}}


async def test_a_revoked_token_is_refused_from_the_next_request_on(api: Api) -> None:
    world = await build_world()
    secret = await token(world, "mara")
    mine = await ApiToken.filter(user_id=world.id("mara")).order_by("-id").first()
    assert mine is not None

    revoked = await api.mutate(
        "mutation($t: ID!) { revokeToken(input: {token: $t}) "
        "{ __typename ... on ApiToken { id revokedAt } } }",
        {"t": gid("ApiToken", mine.id)},
        token=secret,
    )

    assert revoked["__typename"] == "ApiToken"
    assert revoked["revokedAt"] is not None
    await expect_401(api, f"Bearer {secret}")


async def test_the_scheme_is_case_insensitive_and_spaces_around_the_token_are_ignored(
    api: Api,
) -> None:
    world = await build_world()
    secret = await token(world, "mara")

    response = await api.client.post(
        "/graphql", json={"query": VIEWER}, headers={"Authorization": f"bearer  {secret} "}
    )

    assert response.status_code == 200
    assert response.json()["data"] == {"viewer": {"user": {"name": "Mara"}}}


# --- read-scoped tokens --------------------------------------------------------------------------

ERROR_FIELDS = "__typename ... on Error { message code }"


async def every_mutation(world: World) -> dict[str, tuple[str, dict[str, object]]]:
    """Each mutation of the schema with input that the admin's write token would get accepted."""
    admin = await world.viewer("admin")
    a_draft = await draft(world, "admin")
    other = await draft(world, "admin", title="Another proposal")
    an_open = await opened(world, "admin")
    # The closing mutations each get a proposal of their own, so all can succeed in one run.
    to_withdraw = await draft(world, "admin", title="To withdraw")
    to_abandon = await opened(world, "admin", title="To abandon")
    to_decide = await opened(world, "admin", title="To decide")
    argument = await debate.add_argument(admin, an_open.id, stance=Stance.FOR, body="Yes")
    await debate.take_position(admin, an_open.id, stance=PositionStance.AGREE)
    spare = await issue_token(world.id("admin"), scope=TokenScope.READ, days=1, label="spare")
    decided = await opened(world, "admin", title="Decided")
    await proposals.decide_proposal(
        admin, decided.id, outcome=ProposalState.ACCEPTED, statement="Agreed."
    )
    follow_up = await follow_through.add_follow_up(
        admin, decided.id, title="Do it", owner_id=world.id("admin"), due=date(2099, 1, 1)
    )
    hook = await webhooks.create_webhook(admin, world.organisation.id, url="https://hooks.example")
    org = gid("Organisation", world.organisation.id)
    membership = gid("Membership", (await world.membership("ana")).id)
    sent = await invitations.invite_member(
        admin,
        world.organisation.id,
        email=f"{unique('invited')}@example.org",
        terms=MembershipTerms(),
    )
    to_accept, to_decline = [await invitation_to(world, "admin") for _ in range(2)]
    a_week = absences.AbsenceTerms(ends_at=clock.now() + timedelta(days=7))
    to_change, to_end = [
        gid(
            "Absence",
            (
                await absences.record_absence(
                    admin, world.organisation.id, user_id=world.id("admin"), terms=a_week
                )
            ).id,
        )
        for _ in range(2)
    ]
    from_admin = gid("Invitation", (await Invitation.get(invitee__email=sent)).id)
    return {
        "createOrganisation": (
            "createOrganisation(input: {slug: $slug, name: $name})",
            {"slug": unique("ro"), "name": "Read only"},
        ),
        "updateOrganisation": (
            "updateOrganisation(input: {organisation: $id, name: $name})",
            {"id": org, "name": "Renamed"},
        ),
        "createUnit": (
            "createUnit(input: {organisation: $id, name: $name})",
            {"id": org, "name": "U"},
        ),
        "updateUnit": (
            "updateUnit(input: {unit: $id, name: $name})",
            {"id": gid("Unit", world.units["analitica"].id), "name": "Renamed"},
        ),
        "inviteMember": (
            "inviteMember(input: {organisation: $id, email: $email, name: $name})",
            {"id": org, "email": f"{unique('new')}@example.org", "name": "New"},
        ),
        "acceptInvitation": ("acceptInvitation(input: {invitation: $id})", {"id": to_accept}),
        "declineInvitation": ("declineInvitation(input: {invitation: $id})", {"id": to_decline}),
        "revokeInvitation": ("revokeInvitation(input: {invitation: $id})", {"id": from_admin}),
        "updateMember": (
            "updateMember(input: {membership: $id, title: $name})",
            {"id": membership, "name": "Analyst"},
        ),
        "draftProposal": (
            "draftProposal(input: {organisation: $id, title: $name, summary: $name})",
            {"id": org, "name": "A draft"},
        ),
        "updateProposal": (
            "updateProposal(input: {proposal: $id, tags: [$name]})",
            {"id": gid("Proposal", a_draft.id), "name": "checkout"},
        ),
        "reviseProposal": (
            "reviseProposal(input: {proposal: $id, expectedVersion: 1, changeNote: $name, "
            "title: $name})",
            {"id": gid("Proposal", a_draft.id), "name": "Sharper"},
        ),
        "setParticipant": (
            "setParticipant(input: {proposal: $id, user: $user, role: CONSULTED})",
            {"id": gid("Proposal", a_draft.id), "user": gid("User", world.id("ana"))},
        ),
        "openProposal": (
            "openProposal(input: {proposal: $id})",
            {"id": gid("Proposal", a_draft.id)},
        ),
        "withdrawProposal": (
            "withdrawProposal(input: {proposal: $id, reason: $name})",
            {"id": gid("Proposal", to_withdraw.id), "name": "Not now"},
        ),
        "abandonProposal": (
            "abandonProposal(input: {proposal: $id, reason: $name})",
            {"id": gid("Proposal", to_abandon.id), "name": "Stalled"},
        ),
        "decideProposal": (
            "decideProposal(input: {proposal: $id, outcome: ACCEPTED, statement: $name})",
            {"id": gid("Proposal", to_decide.id), "name": "Agreed"},
        ),
        "linkProposals": (
            "linkProposals(input: {proposal: $id, target: $user, kind: RELATED})",
            {"id": gid("Proposal", a_draft.id), "user": gid("Proposal", other.id)},
        ),
        "addArgument": (
            "addArgument(input: {proposal: $id, stance: FOR, body: $name})",
            {"id": gid("Proposal", an_open.id), "name": "Still yes"},
        ),
        "editArgument": (
            "editArgument(input: {argument: $id, body: $name})",
            {"id": gid("Argument", argument.id), "name": "Yes, clearly"},
        ),
        "takePosition": (
            "takePosition(input: {proposal: $id, stance: ABSTAIN})",
            {"id": gid("Proposal", an_open.id)},
        ),
        "setPublishable": (
            "setPublishable(input: {proposal: $id, publishable: true})",
            {"id": gid("Proposal", other.id)},
        ),
        "markNotificationsRead": ("markNotificationsRead(input: {})", {}),
        "followProposal": (
            "followProposal(input: {proposal: $id, following: false})",
            {"id": gid("Proposal", an_open.id)},
        ),
        "setEmailMode": ("setEmailMode(input: {organisation: $id, mode: DAILY})", {"id": org}),
        "createWebhook": (
            "createWebhook(input: {organisation: $id, url: $name})",
            {"id": org, "name": "https://hooks.example/new"},
        ),
        "updateWebhook": (
            "updateWebhook(input: {webhook: $id, active: false})",
            {"id": gid("Webhook", hook.webhook.id)},
        ),
        "addFollowUp": (
            'addFollowUp(input: {proposal: $id, title: $name, owner: $user, due: "2099-02-01"})',
            {
                "id": gid("Proposal", decided.id),
                "name": "Tell everyone",
                "user": gid("User", world.id("ana")),
            },
        ),
        "updateFollowUp": (
            "updateFollowUp(input: {followUp: $id, status: DONE, note: $name})",
            {"id": gid("FollowUp", follow_up.id), "name": "Done."},
        ),
        "recordOutcome": (
            "recordOutcome(input: {proposal: $id, observed: $name, verdict: MET})",
            {"id": gid("Proposal", decided.id), "name": "15 %"},
        ),
        "createToken": ("createToken(input: {label: $name})", {"name": "more"}),
        "revokeToken": (
            "revokeToken(input: {token: $id})",
            {"id": gid("ApiToken", spare.token.id)},
        ),
        "revokePersonalLinks": ("revokePersonalLinks", {}),
        "recordAbsence": (
            'recordAbsence(input: {organisation: $id, terms: {until: "2099-01-01T00:00:00Z"}})',
            {"id": org},
        ),
        "changeAbsence": (
            'changeAbsence(absence: $id, terms: {until: "2099-01-01T00:00:00Z", note: $name})',
            {"id": to_change, "name": "Vacaciones"},
        ),
        "endAbsence": ("endAbsence(absence: $id)", {"id": to_end}),
    }


async def invitation_to(world: World, person: str) -> str:
    """The id of an invitation for ``person`` from a new organisation of Ana's."""
    elsewhere = await organisations.create_organisation(
        await world.viewer("ana"), slug=unique("elsewhere"), name="Elsewhere"
    )
    await invitations.invite_member(
        await world.viewer("ana"),
        elsewhere.id,
        email=world.users[person].email,
        terms=MembershipTerms(),
    )
    return gid("Invitation", (await Invitation.get(organisation_id=elsewhere.id)).id)


def mutation_document(call: str, variables: dict[str, object]) -> str:
    types = {"slug": "String!", "name": "String!", "email": "String!", "id": "ID!", "user": "ID!"}
    declared = ", ".join(f"${name}: {types[name]}" for name in variables)
    head = f"mutation({declared})" if declared else "mutation"
    return f"{head} {{ {call} {{ {ERROR_FIELDS} }} }}"


async def test_a_read_token_reads(api: Api) -> None:
    world = await build_world()
    proposal = await opened(world, "mara")
    read = await token(world, "admin", TokenScope.READ)

    data = await api.run(
        "query($slug: String!) { organisation(slug: $slug) { proposals { nodes { id } } } }",
        {"slug": world.organisation.slug},
        token=read,
    )

    assert data["organisation"]["proposals"]["nodes"] == [{"id": gid("Proposal", proposal.id)}]


async def test_a_read_token_gets_a_forbidden_error_from_every_mutation_and_changes_nothing(
    api: Api,
) -> None:
    world = await build_world()
    mutations = await every_mutation(world)
    read = await token(world, "admin", TokenScope.READ)
    schema = await api.run("{ __schema { mutationType { fields { name } } } }", token=read)
    events_before = await Event.filter(organisation_id=world.organisation.id).count()
    tokens_before = await ApiToken.filter(user_id=world.id("admin"), revoked_at=None).count()
    organisations_before = await Organisation.all().count()

    results = {
        name: await api.mutate(mutation_document(call, variables), variables, token=read)
        for name, (call, variables) in mutations.items()
    }

    assert set(results) == {f["name"] for f in schema["__schema"]["mutationType"]["fields"]}
    assert results == {
        name: {
            "__typename": "ForbiddenError",
            "message": "This token is read-only.",
            "code": "forbidden",
        }
        for name in mutations
    }
    assert await Event.filter(organisation_id=world.organisation.id).count() == events_before
    assert await ApiToken.filter(user_id=world.id("admin"), revoked_at=None).count() == (
        tokens_before
    )
    assert await Organisation.all().count() == organisations_before


async def test_the_same_mutations_succeed_with_a_write_token(api: Api) -> None:
    """The other side of the read-token test: its inputs are valid, so scope alone refuses."""
    world = await build_world()
    mutations = await every_mutation(world)
    write = await token(world, "admin")

    results = {
        name: await api.mutate(mutation_document(call, variables), variables, token=write)
        for name, (call, variables) in mutations.items()
    }

    assert {
        name: r["__typename"] for name, r in results.items() if "Error" in r["__typename"]
    } == {}


# --- own tokens ----------------------------------------------------------------------------------

CREATE_TOKEN = """mutation($scope: TokenScope!, $label: String!, $days: Int!) {
  createToken(input: {scope: $scope, label: $label, days: $days}) {
    __typename
    ... on CreatedToken { secret token { id scope label expiresAt revokedAt } }
    ... on ValidationError { message field }
  }
}"""
REVOKE_TOKEN = """mutation($token: ID!) {
  revokeToken(input: {token: $token}) {
    __typename ... on ApiToken { id revokedAt } ... on Error { message code }
  }
}"""


async def test_a_person_mints_a_token_for_themselves_that_works_with_its_scope(api: Api) -> None:
    world = await build_world()
    write = await token(world, "mara")

    created = await api.mutate(
        CREATE_TOKEN, {"scope": "READ", "label": "dashboard", "days": 30}, token=write
    )

    assert created["__typename"] == "CreatedToken"
    assert created["token"]["scope"] == "READ"
    assert created["token"]["label"] == "dashboard"
    assert created["token"]["revokedAt"] is None
    new = created["secret"]
    assert (await api.run(VIEWER, token=new)) == {"viewer": {"user": {"name": "Mara"}}}
    stored = await ApiToken.get(id=db_id(created["token"]["id"]))
    assert stored.user_id == world.id("mara")
    assert new not in stored.token_hash  # only a hash is kept
    refused = await api.mutate(CREATE_TOKEN, {"scope": "WRITE", "label": "", "days": 1}, token=new)
    assert refused["__typename"] == "ForbiddenError"


async def test_a_token_lasts_one_to_366_days(api: Api) -> None:
    world = await build_world()
    write = await token(world, "mara")

    refused = await api.mutate(
        CREATE_TOKEN, {"scope": "READ", "label": "", "days": 367}, token=write
    )

    assert refused == {
        "__typename": "ValidationError",
        "message": "A token lasts 1 to 366 days.",
        "field": "days",
    }


async def test_viewer_tokens_lists_only_ones_own_tokens(api: Api) -> None:
    world = await build_world()
    mara = await token(world, "mara")
    await token(world, "ana")

    data = await api.run("{ viewer { tokens { id label } } }", token=mara)

    ids = {db_id(t["id"]) for t in data["viewer"]["tokens"]}
    assert ids == {t.id for t in await ApiToken.filter(user_id=world.id("mara"))}


async def test_nobody_can_revoke_or_see_someone_elses_token(api: Api) -> None:
    world = await build_world()
    mara = await token(world, "mara")
    ana = await token(world, "ana")
    anas = await ApiToken.filter(user_id=world.id("ana")).order_by("-id").first()
    assert anas is not None
    missing = await ApiToken.all().order_by("-id").first()
    assert missing is not None
    nonexistent = missing.id + 1000

    theirs = await api.mutate(REVOKE_TOKEN, {"token": gid("ApiToken", anas.id)}, token=mara)
    none = await api.mutate(REVOKE_TOKEN, {"token": gid("ApiToken", nonexistent)}, token=mara)
    seen = await api.run(
        "query($id: ID!) { node(id: $id) { id } }", {"id": gid("ApiToken", anas.id)}, token=mara
    )

    assert theirs == {
        "__typename": "NotFoundError",
        "message": f"No token {anas.id} found.",
        "code": "not_found",
    }
    assert none == {**theirs, "message": f"No token {nonexistent} found."}
    assert seen == {"node": None}
    assert await api.run(VIEWER, token=ana) == {"viewer": {"user": {"name": "Ana"}}}
    assert (await ApiToken.get(id=anas.id)).revoked_at is None


async def test_a_person_can_revoke_another_of_their_tokens(api: Api) -> None:
    user = await person("owner")
    keep = await token_for(user.id)
    spare = await issue_token(user.id, scope=TokenScope.READ, days=1)

    revoked = await api.mutate(REVOKE_TOKEN, {"token": gid("ApiToken", spare.token.id)}, token=keep)

    assert revoked["__typename"] == "ApiToken"
    await expect_401(api, f"Bearer {spare.secret}")
    assert await api.run(VIEWER, token=keep) == {"viewer": {"user": {"name": "Owner"}}}
