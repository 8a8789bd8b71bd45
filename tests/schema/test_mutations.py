"""Writing through GraphQL: the whole story of an organisation and a decision, then each kind of
expected failure as a typed result, and unexpected failures masked."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from actas.api.domain.vocabulary import ProposalState
from actas.api.models import Event, Proposal, ProposalVersion
from actas.api.services import debate
from actas.api.services.users import user_by_email
from tests.factories import build_world, opened, person, unique
from tests.schema.client import Api, Data, db_id, gid, token, token_for

ERROR = """
  ... on Error { message code }
  ... on ValidationError { field }
  ... on InvalidTransitionError { state }
  ... on VersionConflictError { expectedVersion currentVersion }
"""


# The transitions share one input type; every other mutation has its own.
SHARED_INPUTS = dict.fromkeys(
    ["openProposal", "withdrawProposal", "abandonProposal"], "TransitionInput"
)


class Story:
    """One person's side of the story: mutations sent with their token."""

    def __init__(self, api: Api, secret: str) -> None:
        self.api = api
        self.secret = secret

    async def __call__(self, name: str, input: dict[str, Any], fields: str) -> Data:
        input_type = SHARED_INPUTS.get(name, f"{name[0].upper()}{name[1:]}Input")
        result = await self.api.mutate(
            f"mutation($input: {input_type}!) "
            f"{{ {name}(input: $input) {{ __typename {fields} {ERROR} }} }}",
            {"input": input},
            token=self.secret,
        )
        return result

    async def ok(
        self, name: str, input: dict[str, Any], fields: str = "... on Node { id }"
    ) -> Data:
        result = await self(name, input, fields)
        assert "message" not in result, result
        return result


MEMBER = "... on Membership { id role title weight unit { name } user { id name email } }"


async def joined(api: Api, inviting: Story, invitation: dict[str, Any]) -> Data:
    """Invite someone, then accept as them: their membership."""
    sent = await inviting.ok("inviteMember", invitation, "... on InvitationSent { email }")
    invitee = Story(api, await token_for((await user_by_email(sent["email"])).id))
    waiting = await api.run("{ viewer { invitations { id } } }", token=invitee.secret)
    [pending] = waiting["viewer"]["invitations"]
    return await invitee.ok("acceptInvitation", {"invitation": pending["id"]}, MEMBER)


PROPOSAL = """... on Proposal {
  id reference state version title tags deadline
  impact { metric baseline target by }
  unit { name }
  participants { role user { name } }
}"""


async def test_an_organisation_decides_through_the_api_alone(api: Api) -> None:
    founder = await person("founder")
    founding = Story(api, await token_for(founder.id))
    slug = unique("coop")

    # The organisation, its units and its people.
    organisation = await founding.ok(
        "createOrganisation",
        {"slug": slug, "name": "A cooperative", "language": "EN", "defaultRule": "CONSENT"},
        "... on Organisation { id slug name language defaultRule viewerMembership { role } }",
    )
    assert organisation == {
        "__typename": "Organisation",
        "id": organisation["id"],
        "slug": slug,
        "name": "A cooperative",
        "language": "EN",
        "defaultRule": "CONSENT",
        "viewerMembership": {"role": "ADMIN"},
    }
    board = await founding.ok(
        "createUnit",
        {"organisation": organisation["id"], "name": "Board", "head": gid("User", founder.id)},
        "... on Unit { id name depth head { name } }",
    )
    assert (board["depth"], board["head"]) == (0, {"name": "Founder"})
    product = await founding.ok(
        "createUnit",
        {"organisation": organisation["id"], "name": "Product", "parent": board["id"]},
        "... on Unit { id name depth parent { name } }",
    )
    assert (product["depth"], product["parent"]) == (1, {"name": "Board"})
    nadia = await joined(
        api,
        founding,
        {
            "organisation": organisation["id"],
            "email": f"{unique('nadia')}@Example.org",
            "name": "Nadia",
            "unit": product["id"],
            "title": "PM",
        },
    )
    assert (nadia["role"], nadia["title"], nadia["unit"], nadia["user"]["name"]) == (
        "MEMBER",
        "PM",
        {"name": "Product"},
        "Nadia",
    )
    assert nadia["user"]["email"] == nadia["user"]["email"].lower()
    rui = await joined(
        api,
        founding,
        {
            "organisation": organisation["id"],
            "email": f"{unique('rui')}@example.org",
            "name": "Rui",
        },
    )
    otto = await joined(
        api,
        founding,
        {
            "organisation": organisation["id"],
            "email": f"{unique('otto')}@example.org",
            "name": "Otto",
            "role": "OBSERVER",
        },
    )
    promoted = await founding.ok(
        "updateMember", {"membership": nadia["id"], "title": "Lead PM", "weight": 2}, MEMBER
    )
    assert (promoted["title"], promoted["weight"]) == ("Lead PM", 2)

    # Nadia drafts, edits and revises a proposal.
    nadias = Story(api, await token_for(db_id(nadia["user"]["id"])))
    ruis = Story(api, await token_for(db_id(rui["user"]["id"])))
    deadline = (datetime.now(UTC) + timedelta(days=14)).replace(microsecond=0)
    drafted = await nadias.ok(
        "draftProposal",
        {
            "organisation": organisation["id"],
            "title": "Raise prices by 5 %",
            "summary": "Costs went up.",
            "body": "Our suppliers raised theirs by 8 %.",
            "unit": product["id"],
            "impact": {
                "metric": "Margin",
                "baseline": "12 %",
                "target": "15 %",
                "by": "2099-12-31",
            },
            "tags": ["Pricing"],
            "deadline": deadline.isoformat(),
            "participants": [
                {"user": gid("User", founder.id), "role": "DECIDER"},
                {"user": rui["user"]["id"], "role": "CONSULTED"},
            ],
        },
        PROPOSAL,
    )
    assert drafted["reference"] == f"{slug.upper()}-1"
    assert (drafted["state"], drafted["version"], drafted["tags"]) == ("DRAFT", 1, ["pricing"])
    assert datetime.fromisoformat(drafted["deadline"]) == deadline
    assert drafted["impact"] == {
        "metric": "Margin",
        "baseline": "12 %",
        "target": "15 %",
        "by": "2099-12-31",
    }
    assert drafted["unit"] == {"name": "Product"}
    assert sorted((p["role"], p["user"]["name"]) for p in drafted["participants"]) == [
        ("CONSULTED", "Rui"),
        ("DECIDER", "Founder"),
    ]
    proposal_id = drafted["id"]
    updated = await nadias.ok(
        "updateProposal",
        {"proposal": proposal_id, "tags": ["pricing", "q3"], "impact": {"metric": "Gross margin"}},
        PROPOSAL,
    )
    assert updated["tags"] == ["pricing", "q3"]
    assert updated["impact"]["metric"] == "Gross margin"
    revised = await nadias.ok(
        "reviseProposal",
        {
            "proposal": proposal_id,
            "expectedVersion": 1,
            "changeNote": "Smaller step.",
            "title": "Raise prices by 4 %",
        },
        PROPOSAL,
    )
    assert (revised["version"], revised["title"]) == (2, "Raise prices by 4 %")
    stale = await nadias(
        "reviseProposal",
        {
            "proposal": proposal_id,
            "expectedVersion": 1,
            "changeNote": "Bigger step.",
            "title": "Raise prices by 6 %",
        },
        PROPOSAL,
    )
    assert stale == {
        "__typename": "VersionConflictError",
        "message": "The proposal is at version 2, not 1: someone revised it since you loaded it. "
        "Reload, merge your change and try again.",
        "code": "version_conflict",
        "expectedVersion": 1,
        "currentVersion": 2,
    }
    assert await ProposalVersion.filter(proposal_id=db_id(proposal_id)).count() == 2
    assert (await Proposal.get(id=db_id(proposal_id))).title == "Raise prices by 4 %"
    with_otto = await nadias.ok(
        "setParticipant",
        {"proposal": proposal_id, "user": otto["user"]["id"], "role": "INFORMED"},
        PROPOSAL,
    )
    assert ("INFORMED", "Otto") in [
        (p["role"], p["user"]["name"]) for p in with_otto["participants"]
    ]
    opened_now = await nadias.ok("openProposal", {"proposal": proposal_id}, PROPOSAL)
    assert opened_now["state"] == "OPEN"

    # The debate.
    argument = "... on Argument { id body depth parentId revision author { name } }"
    first = await ruis.ok(
        "addArgument",
        {"proposal": proposal_id, "stance": "AGAINST", "body": "Customers will leave."},
        argument,
    )
    reply = await founding.ok(
        "addArgument",
        {
            "proposal": proposal_id,
            "stance": "QUESTION",
            "body": "Which ones?",
            "replyTo": first["id"],
        },
        argument,
    )
    answer = await ruis.ok(
        "addArgument",
        {
            "proposal": proposal_id,
            "stance": "COMMENT",
            "body": "The small shops.",
            "replyTo": reply["id"],
        },
        argument,
    )
    assert [(a["depth"], a["parentId"]) for a in (first, reply, answer)] == [
        (0, None),
        (1, first["id"]),
        (2, reply["id"]),
    ]
    edited = await ruis.ok(
        "editArgument",
        {"argument": first["id"], "body": "Some customers will leave.", "stance": "COMMENT"},
        "... on Argument { body stance revision editedAt revisions { revision stance body } }",
    )
    assert (edited["body"], edited["stance"], edited["revision"]) == (
        "Some customers will leave.",
        "COMMENT",
        2,
    )
    assert edited["editedAt"] is not None
    assert edited["revisions"] == [
        {"revision": 1, "stance": "AGAINST", "body": "Customers will leave."}
    ]
    position = "... on Position { id stance reason user { name } history { stance reason } }"
    await ruis.ok(
        "takePosition",
        {"proposal": proposal_id, "stance": "DISAGREE", "reason": "Too steep."},
        position,
    )
    changed = await ruis.ok("takePosition", {"proposal": proposal_id, "stance": "AGREE"}, position)
    assert (changed["stance"], changed["user"]) == ("AGREE", {"name": "Rui"})
    assert changed["history"] == [
        {"stance": "DISAGREE", "reason": "Too steep."},
        {"stance": "AGREE", "reason": ""},
    ]

    # The decision, citing the argument that mattered.
    decided = await founding.ok(
        "decideProposal",
        {
            "proposal": proposal_id,
            "outcome": "ACCEPTED",
            "statement": "Accepted at 4 %, with a discount for small shops.",
            "citedArguments": [first["id"]],
        },
        """... on Proposal { state closedAt decision {
              outcome statement decidedBy { name } citedArguments { id body } } }""",
    )
    assert decided["state"] == "ACCEPTED"
    assert decided["closedAt"] is not None
    assert decided["decision"] == {
        "outcome": "ACCEPTED",
        "statement": "Accepted at 4 %, with a discount for small shops.",
        "decidedBy": {"name": "Founder"},
        "citedArguments": [{"id": first["id"], "body": "Some customers will leave."}],
    }
    too_late = await ruis(
        "addArgument", {"proposal": proposal_id, "stance": "FOR", "body": "Late."}, argument
    )
    assert too_late == {
        "__typename": "InvalidTransitionError",
        "message": "The proposal is accepted; arguing is only possible while it is open.",
        "code": "invalid_transition",
        "state": "ACCEPTED",
    }

    # Other endings, and what comes after.
    draft_input = {"organisation": organisation["id"], "title": "Later", "summary": "Later."}
    withdrawn = await nadias.ok("draftProposal", draft_input, PROPOSAL)
    withdrawn = await nadias.ok(
        "withdrawProposal", {"proposal": withdrawn["id"], "reason": "Too early."}, PROPOSAL
    )
    assert withdrawn["state"] == "WITHDRAWN"
    stalled = await nadias.ok("draftProposal", draft_input, PROPOSAL)
    await nadias.ok("openProposal", {"proposal": stalled["id"]}, PROPOSAL)
    abandoned = await founding.ok(
        "abandonProposal", {"proposal": stalled["id"], "reason": "Nobody answered."}, PROPOSAL
    )
    assert abandoned["state"] == "ABANDONED"
    successor = await nadias.ok(
        "draftProposal",
        {**draft_input, "title": "Raise prices by 2 % more", "summary": "Costs again."},
        PROPOSAL,
    )
    links = "... on Proposal { links { kind proposal { id } } }"
    linked = await nadias.ok(
        "linkProposals",
        {"proposal": successor["id"], "target": proposal_id, "kind": "SUPERSEDES"},
        links,
    )
    related = await nadias.ok(
        "linkProposals",
        {"proposal": successor["id"], "target": abandoned["id"], "kind": "RELATED"},
        links,
    )
    assert linked["links"] == [{"kind": "SUPERSEDES", "proposal": {"id": proposal_id}}]
    assert related["links"] == [
        {"kind": "SUPERSEDES", "proposal": {"id": proposal_id}},
        {"kind": "RELATED", "proposal": {"id": abandoned["id"]}},
    ]

    # The record of it all.
    page = await api.run(
        """query($r: String!) { proposal(reference: $r) {
            versions { number title }
            links { kind proposal { id } }
            events { nodes { type actor { name } } } } }""",
        {"r": f"{slug.upper()}-1"},
        token=nadias.secret,  # the successor is her draft: only she sees it yet
    )
    assert page["proposal"]["versions"] == [
        {"number": 1, "title": "Raise prices by 5 %"},
        {"number": 2, "title": "Raise prices by 4 %"},
    ]
    assert page["proposal"]["links"] == [
        {"kind": "SUPERSEDED_BY", "proposal": {"id": successor["id"]}}
    ]
    assert [(e["type"], e["actor"]["name"]) for e in page["proposal"]["events"]["nodes"]] == [
        ("proposal.drafted", "Nadia"),
        ("proposal.updated", "Nadia"),
        ("proposal.revised", "Nadia"),
        ("participant.set", "Nadia"),
        ("proposal.opened", "Nadia"),
        ("argument.added", "Rui"),
        ("argument.added", "Founder"),
        ("argument.added", "Rui"),
        ("argument.edited", "Rui"),
        ("position.taken", "Rui"),
        ("position.taken", "Rui"),
        ("proposal.accepted", "Founder"),
    ]


# --- expected failures, one kind at a time ------------------------------------------------------


async def test_invalid_input_is_a_validation_error_naming_the_field(api: Api) -> None:
    world = await build_world()
    mara = Story(api, await token(world, "mara"))
    admin = Story(api, await token(world, "admin"))
    org = gid("Organisation", world.organisation.id)
    proposal = await opened(world, "mara")

    bad_slug = await admin("createOrganisation", {"slug": "Not a slug!", "name": "X"}, "")
    empty_title = await mara(
        "draftProposal", {"organisation": org, "title": "  ", "summary": "S"}, ""
    )
    past = await mara(
        "draftProposal",
        {
            "organisation": org,
            "title": "T",
            "summary": "S",
            "deadline": "2001-01-01T00:00:00+00:00",
        },
        "",
    )
    bad_tag = await mara(
        "draftProposal",
        {"organisation": org, "title": "T", "summary": "S", "tags": ["no spaces"]},
        "",
    )
    silent_block = await mara(
        "takePosition", {"proposal": gid("Proposal", proposal.id), "stance": "BLOCK"}, ""
    )
    not_an_address = await admin("inviteMember", {"organisation": org, "email": "ana@"}, "")

    assert bad_slug == {
        "__typename": "ValidationError",
        "message": "A slug is 2 to 40 lowercase letters, digits and single hyphens, starting with "
        "a letter; 'Not a slug!' is not.",
        "code": "validation",
        "field": "slug",
    }
    assert empty_title == {
        "__typename": "ValidationError",
        "message": "The title cannot be empty.",
        "code": "validation",
        "field": "title",
    }
    assert (past["field"], past["message"]) == ("deadline", "The deadline must be in the future.")
    assert (bad_tag["field"], bad_tag["message"]) == (
        "tags",
        "A tag is up to 50 lowercase letters, digits and hyphens; 'no spaces' is not.",
    )
    assert (silent_block["field"], silent_block["message"]) == (
        "reason",
        "The reason cannot be empty.",
    )
    assert not_an_address["field"] == "email"
    assert not_an_address["message"].startswith("'ana@' is not an email address")


async def test_a_missing_or_mistyped_id_is_a_not_found_error(api: Api) -> None:
    world = await build_world()
    mara = Story(api, await token(world, "mara"))
    proposal = await opened(world, "mara")

    missing = await mara(
        "addArgument",
        {"proposal": gid("Proposal", 2**31 - 1), "stance": "FOR", "body": "Hello"},
        "",
    )
    # The id of an organisation where a proposal is expected names no proposal.
    mistyped = await mara(
        "addArgument",
        {"proposal": gid("Organisation", proposal.id), "stance": "FOR", "body": "Hello"},
        "",
    )

    assert missing == {
        "__typename": "NotFoundError",
        "message": f"No proposal {2**31 - 1} found.",
        "code": "not_found",
    }
    assert mistyped["__typename"] == "NotFoundError"
    assert await Event.filter(proposal_id=proposal.id, type="argument.added").count() == 0


async def test_an_observer_or_a_plain_member_is_forbidden_what_their_role_does_not_allow(
    api: Api,
) -> None:
    world = await build_world()
    proposal = await opened(world, "mara")
    olga = Story(api, await token(world, "olga"))
    ana = Story(api, await token(world, "ana"))
    pid = gid("Proposal", proposal.id)

    arguing = await olga("addArgument", {"proposal": pid, "stance": "FOR", "body": "Hi"}, "")
    positioning = await olga("takePosition", {"proposal": pid, "stance": "AGREE"}, "")
    drafting = await olga(
        "draftProposal",
        {"organisation": gid("Organisation", world.organisation.id), "title": "T", "summary": "S"},
        "",
    )
    unit = await ana(
        "createUnit", {"organisation": gid("Organisation", world.organisation.id), "name": "U"}, ""
    )
    withdrawing = await ana("withdrawProposal", {"proposal": pid, "reason": "Mine now"}, "")

    observers = {
        "__typename": "ForbiddenError",
        "message": "Observers can read but not write.",
        "code": "forbidden",
    }
    assert arguing == positioning == drafting == observers
    assert unit == {**observers, "message": "Only an admin of the organisation can do this."}
    assert withdrawing == {**observers, "message": "Only the proposal's author can withdraw it."}


async def test_a_closed_proposal_refuses_every_change_with_its_state(api: Api) -> None:
    world = await build_world()
    proposal = await opened(world, "mara")
    mara = Story(api, await token(world, "mara"))
    pid = gid("Proposal", proposal.id)
    await mara("withdrawProposal", {"proposal": pid, "reason": "Not now."}, "")

    results = [
        await mara("addArgument", {"proposal": pid, "stance": "FOR", "body": "Hi"}, ""),
        await mara("takePosition", {"proposal": pid, "stance": "AGREE"}, ""),
        await mara("openProposal", {"proposal": pid}, ""),
        await mara(
            "reviseProposal",
            {"proposal": pid, "expectedVersion": 1, "changeNote": "n", "title": "t"},
            "",
        ),
    ]

    assert [(r["__typename"], r["state"]) for r in results] == [
        ("InvalidTransitionError", "WITHDRAWN")
    ] * 4
    assert results[2]["message"] == (
        "The proposal is withdrawn; a closed proposal never changes again."
    )


async def test_closing_without_a_reason_is_refused(api: Api) -> None:
    world = await build_world()
    proposal = await opened(world, "mara")
    mara = Story(api, await token(world, "mara"))

    result = await mara("withdrawProposal", {"proposal": gid("Proposal", proposal.id)}, "")

    assert result == {
        "__typename": "ValidationError",
        "message": "Say why: withdraw needs a reason.",
        "code": "validation",
        "field": "reason",
    }
    assert (await Proposal.get(id=proposal.id)).state == ProposalState.OPEN


# --- unexpected failures -------------------------------------------------------------------------


async def test_an_unexpected_error_is_masked_and_logged(
    api: Api, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    world = await build_world()
    proposal = await opened(world, "mara")

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("connection to db-primary.internal:5432 refused (password=hunter2)")

    monkeypatch.setattr(debate, "add_argument", broken)
    with caplog.at_level(logging.ERROR, logger="actas.graphql"):
        response = await api.post(
            'mutation($id: ID!) { addArgument(input: {proposal: $id, stance: FOR, body: "Hi"}) '
            "{ __typename } }",
            {"id": gid("Proposal", proposal.id)},
            token=await token(world, "mara"),
        )

    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None
    assert [(e["message"], e["path"]) for e in body["errors"]] == [
        ("Unexpected error.", ["addArgument"])
    ]
    assert "hunter2" not in response.text
    assert "RuntimeError" not in response.text
    assert "extensions" not in body["errors"][0]
    logged = [r for r in caplog.records if r.name == "actas.graphql"]
    assert len(logged) == 1
    assert logged[0].exc_info is not None
    assert isinstance(logged[0].exc_info[1], RuntimeError)


async def test_an_unexpected_error_in_a_query_is_masked_too(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = await build_world()
    from actas.schema import queries

    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("proposal.secret_column")

    monkeypatch.setattr(queries, "search_proposals", broken)
    response = await api.post(
        '{ viewer { user { name } } search(text: "x") { nodes { proposal { id } } } }',
        token=await token(world, "mara"),
    )

    body = response.json()
    assert body["data"] is None
    assert [e["message"] for e in body["errors"]] == ["Unexpected error."]
    assert "secret_column" not in response.text


async def test_a_stance_outside_the_enum_is_refused_by_graphql_itself(api: Api) -> None:
    world = await build_world()
    proposal = await opened(world, "mara")

    errors = await api.errors(
        'mutation($id: ID!) { addArgument(input: {proposal: $id, stance: MAYBE, body: "Hi"}) '
        "{ __typename } }",
        {"id": gid("Proposal", proposal.id)},
        token=await token(world, "mara"),
    )

    assert errors == ["Value 'MAYBE' does not exist in 'Stance' enum."]
