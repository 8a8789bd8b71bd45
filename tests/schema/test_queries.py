"""Reading through GraphQL: the viewer, organisations with their unit tree and members, proposal
lists with every filter and pagination, the whole proposal page, nodes of every type and search.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from actas.api.domain.vocabulary import ParticipantRole, PositionStance, Role, Stance, TokenScope
from actas.api.models import Event, Invitation, Notification, Position, ProposalVersion
from actas.api.services import (
    debate,
    follow_through,
    invitations,
    organisations,
    proposals,
    webhooks,
)
from actas.api.services.tokens import issue_token
from tests.factories import (
    DEFAULT_PEOPLE,
    DEFAULT_UNITS,
    World,
    build_world,
    draft,
    opened,
    unique,
)
from tests.schema.client import Api, gid, token
from tests.schema.stories import DEADLINE, debated_and_decided, reference


def names(nodes: list[dict[str, Any]], key: str = "name") -> list[Any]:
    return [node[key] for node in nodes]


# --- the viewer ----------------------------------------------------------------------------------


async def test_viewer_is_the_person_of_the_token_with_their_organisations_and_memberships(
    api: Api,
) -> None:
    first = await build_world()
    second = await build_world()
    # Mara of the first world joins the second one as an observer.
    await organisations.add_member(
        await second.viewer("admin"),
        second.organisation.id,
        email=first.users["mara"].email,
        role=Role.OBSERVER,
    )
    secret = await token(first, "mara")

    data = await api.run(
        """{ viewer {
              user { id name email language }
              organisations { slug }
              memberships { role organisation { slug } user { name } }
              tokens { label scope }
        } }""",
        token=secret,
    )

    viewer = data["viewer"]
    mara = first.users["mara"]
    assert viewer["user"] == {
        "id": gid("User", mara.id),
        "name": "Mara",
        "email": mara.email,
        "language": "ES",
    }
    assert sorted(names(viewer["organisations"], "slug")) == sorted(
        [first.organisation.slug, second.organisation.slug]
    )
    assert [
        (m["role"], m["organisation"]["slug"], m["user"]["name"]) for m in viewer["memberships"]
    ] == [
        ("MEMBER", first.organisation.slug, "Mara"),
        ("OBSERVER", second.organisation.slug, "Mara"),
    ]
    assert viewer["tokens"] == [{"label": "test", "scope": "WRITE"}]


# --- organisations -------------------------------------------------------------------------------

UNITS = """query($slug: String!) {
  organisation(slug: $slug) {
    slug name
    units { name depth head { name } parent { name } children { name } }
  }
}"""


async def test_an_organisation_lists_its_units_depth_first_with_depth_and_head(api: Api) -> None:
    # "campanas" is created last, under marketing: depth-first order differs from creation order.
    world = await build_world(units=(*DEFAULT_UNITS, ("campanas", "marketing", "ana")))

    data = await api.run(UNITS, {"slug": world.organisation.slug}, token=await token(world, "ana"))

    organisation = data["organisation"]
    assert organisation["slug"] == world.organisation.slug
    assert [
        (u["name"], u["depth"], u["head"] and u["head"]["name"]) for u in organisation["units"]
    ] == [
        ("Direccion", 0, "Admin"),
        ("Marketing", 1, "Mara"),
        ("Analitica", 2, None),
        ("Campanas", 2, "Ana"),
        ("Tecnologia", 1, "Teo"),
    ]
    by_name = {u["name"]: u for u in organisation["units"]}
    assert by_name["Direccion"]["parent"] is None
    assert by_name["Campanas"]["parent"] == {"name": "Marketing"}
    assert by_name["Marketing"]["children"] == [{"name": "Analitica"}, {"name": "Campanas"}]


async def test_an_organisation_is_found_by_its_slug_in_any_case(api: Api) -> None:
    world = await build_world()

    data = await api.run(
        "query($slug: String!) { organisation(slug: $slug) { slug } }",
        {"slug": f"  {world.organisation.slug.upper()} "},
        token=await token(world, "ana"),
    )

    assert data == {"organisation": {"slug": world.organisation.slug}}


MEMBERS = """query($slug: String!, $first: Int!, $after: String, $unit: ID) {
  organisation(slug: $slug) {
    members(first: $first, after: $after, unit: $unit) {
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { id user { name } role title weight external unit { name } } }
    }
  }
}"""


async def test_members_come_in_pages_that_follow_each_other(api: Api) -> None:
    world = await build_world()
    secret = await token(world, "ana")
    slug = world.organisation.slug

    first = (await api.run(MEMBERS, {"slug": slug, "first": 4}, token=secret))["organisation"]
    cursor = first["members"]["pageInfo"]["endCursor"]
    rest = (await api.run(MEMBERS, {"slug": slug, "first": 4, "after": cursor}, token=secret))[
        "organisation"
    ]

    page_one, page_two = first["members"], rest["members"]
    assert page_one["pageInfo"]["hasNextPage"] is True
    assert page_one["pageInfo"]["hasPreviousPage"] is False
    assert page_one["pageInfo"]["startCursor"] == page_one["edges"][0]["cursor"]
    assert page_one["pageInfo"]["endCursor"] == page_one["edges"][-1]["cursor"]
    assert page_two["pageInfo"]["hasNextPage"] is False
    assert page_two["pageInfo"]["hasPreviousPage"] is True
    members = [e["node"] for e in page_one["edges"] + page_two["edges"]]
    assert len(page_one["edges"]) == 4
    assert names([m["user"] for m in members]) == ["Admin", "Mara", "Ana", "Teo", "Olga", "Ext"]
    assert {m["user"]["name"]: (m["role"], m["weight"], m["external"]) for m in members} == {
        "Admin": ("ADMIN", 1, False),
        **{
            name.title(): (role.name, weight, name == "ext")
            for name, (role, _unit, weight) in DEFAULT_PEOPLE.items()
        },
    }
    assert {m["user"]["name"]: m["unit"]["name"] for m in members}["Ana"] == "Analitica"


async def test_members_can_be_listed_for_one_unit(api: Api) -> None:
    world = await build_world()

    data = await api.run(
        MEMBERS,
        {
            "slug": world.organisation.slug,
            "first": 50,
            "unit": gid("Unit", world.units["analitica"].id),
        },
        token=await token(world, "ana"),
    )

    members = [e["node"]["user"]["name"] for e in data["organisation"]["members"]["edges"]]
    assert members == ["Ana", "Ext"]


# --- proposal lists ------------------------------------------------------------------------------

LIST = """query($slug: String!, $first: Int, $after: String, $states: [ProposalState!],
             $unit: ID, $tag: String, $participant: ID, $text: String) {
  organisation(slug: $slug) {
    proposals(first: $first, after: $after, states: $states, unit: $unit, tag: $tag,
              participant: $participant, text: $text) {
      pageInfo { hasNextPage hasPreviousPage endCursor }
      nodes { title }
    }
  }
}"""


async def listed(api: Api, world: World, secret: str, **variables: Any) -> list[str]:
    data = await api.run(
        LIST, {"slug": world.organisation.slug, "first": 20, **variables}, token=secret
    )
    return names(data["organisation"]["proposals"]["nodes"], "title")


async def four_proposals(world: World) -> None:
    """Shipping (open, marketing, checkout, Teo consulted), Database (open, tecnologia, infra),
    Newsletter (withdrawn) and Pricing (a draft), created in that order, all by Mara."""
    await opened(
        world,
        "mara",
        title="Cheaper shipping",
        unit="marketing",
        tags=["checkout"],
        participants={"teo": ParticipantRole.CONSULTED},
    )
    database = await opened(world, "mara", title="Move to the new database", unit="tecnologia")
    await proposals.update_proposal(
        await world.viewer("mara"), database.id, proposals.ProposalChanges(tags=["infra"])
    )
    await debate.add_argument(
        await world.viewer("teo"), database.id, stance=Stance.FOR, body="PostgreSQL scales."
    )
    newsletter = await opened(world, "mara", title="A weekly newsletter")
    await proposals.withdraw_proposal(await world.viewer("mara"), newsletter.id, "Nobody reads it.")
    await draft(world, "mara", title="New pricing")


async def test_proposals_are_listed_newest_first_and_filtered_by_state(api: Api) -> None:
    world = await build_world()
    await four_proposals(world)
    secret = await token(world, "mara")

    assert await listed(api, world, secret) == [
        "New pricing",
        "A weekly newsletter",
        "Move to the new database",
        "Cheaper shipping",
    ]
    assert await listed(api, world, secret, states=["OPEN"]) == [
        "Move to the new database",
        "Cheaper shipping",
    ]
    assert await listed(api, world, secret, states=["DRAFT", "WITHDRAWN"]) == [
        "New pricing",
        "A weekly newsletter",
    ]
    assert await listed(api, world, secret, states=["ACCEPTED"]) == []


async def test_proposals_are_filtered_by_unit_tag_participant_and_text(api: Api) -> None:
    world = await build_world()
    await four_proposals(world)
    secret = await token(world, "mara")

    assert await listed(api, world, secret, unit=gid("Unit", world.units["marketing"].id)) == [
        "Cheaper shipping"
    ]
    assert await listed(api, world, secret, tag="infra") == ["Move to the new database"]
    assert await listed(api, world, secret, tag=" Checkout ") == ["Cheaper shipping"]
    assert await listed(api, world, secret, participant=gid("User", world.id("teo"))) == [
        "Cheaper shipping"
    ]
    assert await listed(api, world, secret, text="weekly") == ["A weekly newsletter"]
    # A word of an argument finds its proposal.
    assert await listed(api, world, secret, text="postgresql SCALES") == [
        "Move to the new database"
    ]
    assert await listed(api, world, secret, text="shipping database") == []
    assert await listed(api, world, secret, states=["OPEN"], tag="checkout", text="cheap") == [
        "Cheaper shipping"
    ]


async def test_proposal_pages_follow_each_other_with_cursors(api: Api) -> None:
    world = await build_world()
    await four_proposals(world)
    secret = await token(world, "mara")
    slug = world.organisation.slug

    first = (await api.run(LIST, {"slug": slug, "first": 3}, token=secret))["organisation"]
    cursor = first["proposals"]["pageInfo"]["endCursor"]
    second = (await api.run(LIST, {"slug": slug, "first": 3, "after": cursor}, token=secret))[
        "organisation"
    ]

    assert names(first["proposals"]["nodes"], "title") == [
        "New pricing",
        "A weekly newsletter",
        "Move to the new database",
    ]
    assert first["proposals"]["pageInfo"]["hasNextPage"] is True
    assert first["proposals"]["pageInfo"]["hasPreviousPage"] is False
    assert names(second["proposals"]["nodes"], "title") == ["Cheaper shipping"]
    assert second["proposals"]["pageInfo"]["hasNextPage"] is False
    assert second["proposals"]["pageInfo"]["hasPreviousPage"] is True


# --- the proposal page ---------------------------------------------------------------------------

PAGE = """query($reference: String!) {
  proposal(reference: $reference) {
    id reference number title summary body version state visibility deadline
    impact { metric baseline target by }
    rule { kind threshold quorum }
    tags
    author { name }
    organisation { slug }
    unit { name depth }
    versions { number title changeNote author { name } }
    participants { role user { name } }
    arguments(first: 100) {
      pageInfo { hasNextPage }
      edges { cursor node {
        id parentId depth stance body revision author { name } parent { id }
        revisions { revision body }
        proposal { reference }
      } }
    }
    positions {
      nodes { stance reason user { name } history { stance reason } }
    }
    tally { rule eligibleCount counts { agree abstain disagree block } verdict reason
            missingVoices { name } blockedBy { name } }
    decision {
      outcome statement rule decidedBy { name }
      citedArguments { id body }
      tally { counts { agree } verdict }
    }
    links { kind proposal { title } }
    events { nodes { seq type actor { name } } }
  }
}"""


async def test_the_proposal_page_shows_everything_that_hangs_from_a_proposal(api: Api) -> None:
    world = await build_world()
    story = await debated_and_decided(world)
    arguments = {name: gid("Argument", a.id) for name, a in story.arguments.items()}

    data = await api.run(
        PAGE, {"reference": reference(world, story.proposal)}, token=await token(world, "ana")
    )

    page = data["proposal"]
    assert page["id"] == gid("Proposal", story.proposal.id)
    assert page["reference"] == reference(world, story.proposal)
    assert (page["title"], page["version"], page["state"], page["visibility"]) == (
        "Test a one-page checkout",
        2,
        "ACCEPTED",
        "ORGANISATION",
    )
    assert page["deadline"] == DEADLINE.isoformat()
    assert page["impact"] == {
        "metric": "Cart abandonment",
        "baseline": "68 %",
        "target": "60 %",
        "by": "2099-03-01",
    }
    assert page["rule"] == {"kind": "CONSENT", "threshold": 0.5, "quorum": 0.5}
    assert page["tags"] == ["checkout", "ux"]
    assert page["author"] == {"name": "Mara"}
    assert page["organisation"] == {"slug": world.organisation.slug}
    assert page["unit"] == {"name": "Marketing", "depth": 1}
    assert page["versions"] == [
        {
            "number": 1,
            "title": "Run an A/B test on the checkout",
            "changeNote": "Primer borrador.",  # in the organisation's language
            "author": {"name": "Mara"},
        },
        {
            "number": 2,
            "title": "Test a one-page checkout",
            "changeNote": "Name the metric.",
            "author": {"name": "Mara"},
        },
    ]
    assert sorted((p["role"], p["user"]["name"]) for p in page["participants"]) == [
        ("CONSULTED", "Teo"),
        ("DECIDER", "Admin"),
    ]

    # The debate: one flat list, depth first, each reply after the argument it answers.
    thread = [edge["node"] for edge in page["arguments"]["edges"]]
    assert [(a["id"], a["parentId"], a["depth"]) for a in thread] == [
        (arguments["root"], None, 0),
        (arguments["reply"], arguments["root"], 1),
        (arguments["deeper"], arguments["reply"], 2),
        (arguments["deepest"], arguments["deeper"], 3),
        (arguments["second"], None, 0),
    ]
    assert [a["author"]["name"] for a in thread] == ["Ana", "Teo", "Mara", "Ana", "Teo"]
    assert thread[1]["parent"] == {"id": arguments["root"]}
    assert thread[0]["stance"] == "FOR"
    assert (thread[0]["body"], thread[0]["revision"]) == ("Fewer steps, fewer abandoned carts.", 2)
    assert thread[0]["revisions"] == [{"revision": 1, "body": "Fewer steps, fewer drop-offs."}]
    assert thread[4]["revisions"] == []
    assert {a["proposal"]["reference"] for a in thread} == {page["reference"]}
    assert page["arguments"]["pageInfo"] == {"hasNextPage": False}

    positions = {p["user"]["name"]: p for p in page["positions"]["nodes"]}
    assert positions["Ana"]["stance"] == "AGREE"
    assert positions["Ana"]["history"] == [
        {"stance": "DISAGREE", "reason": "Too soon."},
        {"stance": "AGREE", "reason": ""},
    ]
    assert positions["Teo"]["history"] == [{"stance": "AGREE", "reason": ""}]
    assert set(positions) == {"Ana", "Teo"}

    assert page["tally"]["rule"] == "CONSENT"
    assert page["tally"]["counts"] == {"agree": 2, "abstain": 0, "disagree": 0, "block": 0}
    assert page["tally"]["verdict"] == "ACCEPTED"
    assert page["tally"]["missingVoices"] == [{"name": "Admin"}]
    assert page["tally"]["blockedBy"] == []

    decision = page["decision"]
    assert decision["outcome"] == "ACCEPTED"
    assert decision["statement"] == "Nobody blocks; the provider supports it."
    assert decision["rule"] == "CONSENT"
    assert decision["decidedBy"] == {"name": "Admin"}
    assert [a["id"] for a in decision["citedArguments"]] == [arguments["root"], arguments["deeper"]]
    assert decision["tally"] == {"counts": {"agree": 2}, "verdict": "ACCEPTED"}

    assert sorted((link["kind"], link["proposal"]["title"]) for link in page["links"]) == [
        ("RELATED", "Add a second payment provider"),
        ("SUPERSEDED_BY", "Roll the checkout out to every market"),
    ]

    events = page["events"]["nodes"]
    assert [e["type"] for e in events] == [
        "proposal.drafted",
        "proposal.revised",
        "proposal.opened",
        *["argument.added"] * 5,
        "argument.edited",
        *["position.taken"] * 3,
        "proposal.accepted",
    ]
    assert [e["seq"] for e in events] == sorted(e["seq"] for e in events)
    assert events[-1]["actor"] == {"name": "Admin"}


async def test_a_link_reads_supersedes_from_the_newer_proposal(api: Api) -> None:
    world = await build_world()
    story = await debated_and_decided(world)

    data = await api.run(
        "query($r: String!) { proposal(reference: $r) { links { kind proposal { title } } } }",
        {"r": reference(world, story.successor)},
        token=await token(world, "mara"),
    )

    assert data["proposal"]["links"] == [
        {"kind": "SUPERSEDES", "proposal": {"title": "Test a one-page checkout"}}
    ]


async def test_a_proposal_reference_is_read_in_any_case_and_a_malformed_one_finds_nothing(
    api: Api,
) -> None:
    world = await build_world()
    proposal = await opened(world)
    secret = await token(world, "ana")
    query = "query($r: String!) { proposal(reference: $r) { number } }"

    found = await api.run(query, {"r": reference(world, proposal).lower()}, token=secret)

    assert found == {"proposal": {"number": proposal.number}}
    for malformed in ["", "-", "42", f"{world.organisation.slug}-x", f"{world.organisation.slug}"]:
        assert await api.run(query, {"r": malformed}, token=secret) == {"proposal": None}


async def test_arguments_come_in_pages_in_thread_order(api: Api) -> None:
    world = await build_world()
    story = await debated_and_decided(world)
    secret = await token(world, "ana")
    query = """query($r: String!, $after: String) { proposal(reference: $r) {
        arguments(first: 2, after: $after) {
          pageInfo { hasNextPage hasPreviousPage endCursor } nodes { body depth } } } }"""
    pages = []
    after = None
    while True:
        data = await api.run(
            query, {"r": reference(world, story.proposal), "after": after}, token=secret
        )
        connection = data["proposal"]["arguments"]
        pages.append([node["depth"] for node in connection["nodes"]])
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
        assert connection["pageInfo"]["hasPreviousPage"] is (len(pages) > 1)

    assert pages == [[0, 1], [2, 3], [0]]


# --- nodes ---------------------------------------------------------------------------------------

NODE_FIELDS = """
  __typename
  ... on Node { id }
  ... on User { name }
  ... on ApiToken { label }
  ... on Organisation { slug }
  ... on Unit { name }
  ... on Membership { role }
  ... on Proposal { title }
  ... on ProposalVersion { number }
  ... on Argument { body }
  ... on Position { stance }
  ... on Event { type }
  ... on Notification { readAt }
  ... on FollowUp { title }
  ... on Webhook { url }
  ... on Invitation { email }
"""


async def one_of_each_node(world: World) -> dict[str, tuple[str, tuple[str, Any]]]:
    """A global id of every Node type the admin may see, with one field it must show."""
    story = await debated_and_decided(world)
    admin = await world.viewer("admin")
    spare = await issue_token(world.id("admin"), scope=TokenScope.READ, days=1, label="spare")
    follow_up = await follow_through.add_follow_up(
        admin, story.proposal.id, title="Ship it", owner_id=world.id("mara"), due=date(2099, 1, 1)
    )
    hook = await webhooks.create_webhook(admin, world.organisation.id, url="https://hooks.example")
    invited = await invitations.invite_member(
        admin,
        world.organisation.id,
        email=f"{unique('guest')}@example.org",
        terms=organisations.MembershipTerms(),
    )
    invitation = await Invitation.get(organisation_id=world.organisation.id, invitee__email=invited)
    told = await Notification.filter(user_id=world.id("admin")).order_by("id").first()
    assert told is not None
    version = await ProposalVersion.get(proposal_id=story.proposal.id, number=2)
    position = await Position.get(proposal_id=story.proposal.id, user_id=world.id("ana"))
    event = await Event.filter(proposal_id=story.proposal.id).order_by("-seq").first()
    assert event is not None
    return {
        "User": (gid("User", world.id("teo")), ("name", "Teo")),
        "ApiToken": (gid("ApiToken", spare.token.id), ("label", "spare")),
        "Organisation": (
            gid("Organisation", world.organisation.id),
            ("slug", world.organisation.slug),
        ),
        "Unit": (gid("Unit", world.units["analitica"].id), ("name", "Analitica")),
        "Membership": (
            gid("Membership", (await world.membership("olga")).id),
            ("role", "OBSERVER"),
        ),
        "Proposal": (gid("Proposal", story.proposal.id), ("title", "Test a one-page checkout")),
        "ProposalVersion": (gid("ProposalVersion", version.id), ("number", 2)),
        "Argument": (
            gid("Argument", story.arguments["deeper"].id),
            ("body", "Stripe supports one page."),
        ),
        "Position": (gid("Position", position.id), ("stance", "AGREE")),
        "Event": (gid("Event", event.id), ("type", "follow_up.added")),
        "Notification": (gid("Notification", told.id), ("readAt", None)),
        "FollowUp": (gid("FollowUp", follow_up.id), ("title", "Ship it")),
        "Webhook": (gid("Webhook", hook.webhook.id), ("url", "https://hooks.example")),
        "Invitation": (gid("Invitation", invitation.id), ("email", invited)),
    }


async def test_node_finds_every_node_type_by_its_global_id(api: Api) -> None:
    world = await build_world()
    expected = await one_of_each_node(world)
    secret = await token(world, "admin")
    schema = await api.run('{ __type(name: "Node") { possibleTypes { name } } }', token=secret)

    found = {
        type_name: (
            await api.run(
                f"query($id: ID!) {{ node(id: $id) {{ {NODE_FIELDS} }} }}",
                {"id": key},
                token=secret,
            )
        )["node"]
        for type_name, (key, _field) in expected.items()
    }

    assert set(expected) == {t["name"] for t in schema["__type"]["possibleTypes"]}
    assert found == {
        type_name: {"__typename": type_name, "id": key, field: value}
        for type_name, (key, (field, value)) in expected.items()
    }


async def test_nodes_returns_each_in_the_order_asked_with_null_for_what_is_not_there(
    api: Api,
) -> None:
    world = await build_world()
    expected = await one_of_each_node(world)
    ids = [key for key, _field in expected.values()]
    missing = gid("Proposal", 2**31 - 1)
    asked = [ids[5], missing, *ids, gid("Nothing", 1), ids[0]]

    data = await api.run(
        "query($ids: [ID!]!) { nodes(ids: $ids) { __typename ... on Node { id } } }",
        {"ids": asked},
        token=await token(world, "admin"),
    )

    types = list(expected)
    assert data["nodes"] == [
        {"__typename": "Proposal", "id": ids[5]},
        None,
        *({"__typename": t, "id": i} for t, i in zip(types, ids, strict=True)),
        None,
        {"__typename": "User", "id": ids[0]},
    ]


# --- search --------------------------------------------------------------------------------------

SEARCH = """query($text: String!) {
  search(text: $text) {
    nodes { proposal { title } arguments { id body author { name } } }
  }
}"""


async def test_search_finds_a_proposal_by_a_word_only_one_of_its_arguments_holds(api: Api) -> None:
    world = await build_world()
    word = f"zanahoria{world.organisation.id}"
    target = await opened(world, "mara", title="Change the checkout")
    await opened(world, "mara", title="Change the newsletter")
    matching = await debate.add_argument(
        await world.viewer("teo"), target.id, stance=Stance.QUESTION, body=f"What about {word}?"
    )
    await debate.add_argument(
        await world.viewer("ana"), target.id, stance=Stance.FOR, body="Good idea."
    )
    await debate.take_position(await world.viewer("ana"), target.id, stance=PositionStance.AGREE)

    data = await api.run(SEARCH, {"text": word.upper()}, token=await token(world, "ana"))

    assert data["search"]["nodes"] == [
        {
            "proposal": {"title": "Change the checkout"},
            "arguments": [
                {
                    "id": gid("Argument", matching.id),
                    "body": f"What about {word}?",
                    "author": {"name": "Teo"},
                }
            ],
        }
    ]


async def test_search_by_proposal_text_returns_no_arguments_when_none_match(api: Api) -> None:
    world = await build_world()
    word = f"frambuesa{world.organisation.id}"
    await opened(world, "mara", title=f"Sell {word} jam")

    data = await api.run(SEARCH, {"text": word}, token=await token(world, "ana"))

    assert data["search"]["nodes"] == [{"proposal": {"title": f"Sell {word} jam"}, "arguments": []}]


async def test_search_needs_a_word(api: Api) -> None:
    world = await build_world()

    errors = await api.errors(SEARCH, {"text": "   "}, token=await token(world, "ana"))

    assert errors == ["Search for at least one word."]


async def test_search_can_be_kept_to_one_organisation(api: Api) -> None:
    first = await build_world()
    second = await build_world()
    word = f"ciruela{first.organisation.id}"
    await opened(first, "mara", title=f"{word} one")
    await organisations.add_member(
        await second.viewer("admin"), second.organisation.id, email=first.users["mara"].email
    )
    await opened(second, "admin", title=f"{word} two")
    secret = await token(first, "mara")
    query = """query($text: String!, $org: ID) {
        search(text: $text, organisation: $org) { nodes { proposal { title } } } }"""

    everywhere = await api.run(query, {"text": word}, token=secret)
    in_second = await api.run(
        query, {"text": word, "org": gid("Organisation", second.organisation.id)}, token=secret
    )

    assert names([n["proposal"] for n in everywhere["search"]["nodes"]], "title") == [
        f"{word} two",
        f"{word} one",
    ]
    assert names([n["proposal"] for n in in_second["search"]["nodes"]], "title") == [f"{word} two"]


RANKED = """query($text: String!, $first: Int!, $after: String, $org: ID) {
  search(text: $text, first: $first, after: $after, organisation: $org) {
    pageInfo { hasNextPage hasPreviousPage endCursor }
    nodes { proposal { title } excerpt { text matched } excerptArgument { body } }
  }
}"""


async def test_a_hit_shows_an_excerpt_with_the_words_found_from_its_text_or_its_argument(
    api: Api,
) -> None:
    world = await build_world()
    org = gid("Organisation", world.organisation.id)
    own = await opened(world, "mara", title="Horario", summary="Abrir las tiendas antes.")
    other = await opened(world, "mara", title="Uniformes", summary="Nuevos.", body="Colores.")
    await debate.add_argument(
        await world.viewer("teo"), other.id, stance=Stance.FOR, body="Como en las **tiendas**."
    )
    secret = await token(world, "ana")

    data = await api.run(RANKED, {"text": "tienda", "first": 5, "org": org}, token=secret)

    by_title = {n["proposal"]["title"]: n for n in data["search"]["nodes"]}
    assert by_title[own.title]["excerpt"] == [
        {"text": "Abrir las ", "matched": False},
        {"text": "tiendas", "matched": True},
        {"text": " antes. We expect fewer abandoned carts.", "matched": False},
    ]
    assert by_title[own.title]["excerptArgument"] is None
    assert by_title[other.title]["excerpt"] == [
        {"text": "Como en las ", "matched": False},
        {"text": "tiendas", "matched": True},
        {"text": ".", "matched": False},
    ]
    assert by_title[other.title]["excerptArgument"] == {"body": "Como en las **tiendas**."}


async def test_a_search_pages_with_its_cursor(api: Api) -> None:
    world = await build_world()
    org = gid("Organisation", world.organisation.id)
    for n in range(3):
        await opened(world, "mara", title=f"Inventario {n}")
    secret = await token(world, "ana")
    asked = {"text": "inventarios", "first": 2, "org": org}

    first = (await api.run(RANKED, asked, token=secret))["search"]
    rest = (await api.run(RANKED, asked | {"after": first["pageInfo"]["endCursor"]}, token=secret))[
        "search"
    ]
    wrong = await api.errors(RANKED, asked | {"after": "bm90LWEtY3Vyc29y"}, token=secret)

    titles = [n["proposal"]["title"] for page in (first, rest) for n in page["nodes"]]
    assert sorted(titles) == ["Inventario 0", "Inventario 1", "Inventario 2"]
    assert first["pageInfo"]["hasNextPage"] and not first["pageInfo"]["hasPreviousPage"]
    assert not rest["pageInfo"]["hasNextPage"] and rest["pageInfo"]["hasPreviousPage"]
    assert wrong == ["'bm90LWEtY3Vyc29y' is not a cursor this API gave out."]


async def test_search_filters_by_state_tag_and_dates(api: Api) -> None:
    world = await build_world()
    org = gid("Organisation", world.organisation.id)
    tagged = await opened(world, "mara", title="Encuesta de clima", tags=["rrhh"])
    await draft(world, "mara", title="Encuesta de precios")
    query = """query($org: ID, $states: [ProposalState!], $tag: String, $after: DateTime) {
      search(text: "encuesta", organisation: $org, states: $states, tag: $tag,
             proposedAfter: $after) { nodes { proposal { title } } } }"""
    secret = await token(world, "mara")

    async def titles(**variables: Any) -> list[str]:
        data = await api.run(query, {"org": org, **variables}, token=secret)
        return [n["proposal"]["title"] for n in data["search"]["nodes"]]

    assert await titles(states=["OPEN"]) == ["Encuesta de clima"]
    assert await titles(tag="rrhh") == ["Encuesta de clima"]
    assert await titles(after=tagged.created_at.isoformat()) == [
        "Encuesta de precios",
        "Encuesta de clima",
    ]
    assert await titles(after="2999-01-01T00:00:00+00:00") == []


async def test_similar_proposals_while_drafting_and_on_a_proposal(api: Api) -> None:
    world = await build_world()
    org = gid("Organisation", world.organisation.id)
    before = await opened(world, "mara", title="Envío gratis desde 39 euros", summary="Piloto.")
    now = await opened(world, "mara", title="Bajar el umbral de envío gratis", summary="A 39.")
    secret = await token(world, "ana")
    drafting = """query($org: ID!, $text: String!) {
      similarProposals(organisation: $org, text: $text) {
        proposal { reference state } sharedWords } }"""
    on_one = """query($id: ID!) { node(id: $id) { ... on Proposal {
      similar(first: 3) { proposal { title } sharedWords } } } }"""

    asked = await api.run(
        drafting, {"org": org, "text": "Envío gratis a partir de 39 €"}, token=secret
    )
    shown = await api.run(on_one, {"id": gid("Proposal", now.id)}, token=secret)
    too_many = await api.errors(
        on_one.replace("first: 3", "first: 50"), {"id": gid("Proposal", now.id)}, token=secret
    )

    references = [s["proposal"]["reference"] for s in asked["similarProposals"]]
    assert references[:2] and set(references) == {
        f"{world.organisation.slug.upper()}-{before.number}",
        f"{world.organisation.slug.upper()}-{now.number}",
    }
    assert asked["similarProposals"][0]["sharedWords"][:2] == ["envío", "gratis"]
    assert shown["node"]["similar"] == [
        {"proposal": {"title": before.title}, "sharedWords": ["envío", "gratis"]}
    ]
    assert too_many == ["`first` must be between 1 and 20, got 50."]


async def test_debate_state_lists_what_is_open_what_blocks_and_what_is_new(api: Api) -> None:
    world = await build_world()
    proposal = await opened(world, "mara", title="Cambiar de proveedor")
    question = await debate.add_argument(
        await world.viewer("teo"), proposal.id, stance=Stance.QUESTION, body="¿Cuándo?"
    )
    objection = await debate.add_argument(
        await world.viewer("ana"), proposal.id, stance=Stance.AGAINST, body="Es caro."
    )
    await debate.add_argument(
        await world.viewer("mara"),
        proposal.id,
        stance=Stance.COMMENT,
        body="En marzo.",
        parent_id=question.id,
    )
    await debate.take_position(
        await world.viewer("teo"), proposal.id, stance=PositionStance.BLOCK, reason="Contrato."
    )
    query = """query($id: ID!) { node(id: $id) { ... on Proposal { debateState {
      openQuestions { id } unansweredObjections { id body } blocks { stance reason }
      since newArguments { body } changedPositions { stance } } } } }"""

    state = (
        await api.run(query, {"id": gid("Proposal", proposal.id)}, token=await token(world, "ana"))
    )["node"]["debateState"]

    assert state["openQuestions"] == []  # the author answered it
    assert state["unansweredObjections"] == [
        {"id": gid("Argument", objection.id), "body": "Es caro."}
    ]
    assert state["blocks"] == [{"stance": "BLOCK", "reason": "Contrato."}]
    # Since Ana last spoke (her objection): the author's answer and Teo's block.
    assert state["since"] is not None
    assert state["newArguments"] == [{"body": "En marzo."}]
    assert state["changedPositions"] == [{"stance": "BLOCK"}]


async def test_an_organisations_themes_with_their_outcomes_months_and_proposals(api: Api) -> None:
    world = await build_world()
    for title in ("Reducir el tiempo de espera en caja", "Tiempos de espera al teléfono"):
        await opened(world, "mara", title=title, summary="Una propuesta.")
    query = """query($org: ID!, $first: Int!) { node(id: $org) { ... on Organisation {
      themes(first: $first) { phrase proposalCount mentionedIn
        outcomes { state proposals } months { month proposals }
        proposals(first: 1) { title } } } } }"""
    secret = await token(world, "ana")
    org = gid("Organisation", world.organisation.id)

    found = await api.run(query, {"org": org, "first": 10}, token=secret)
    too_many = await api.errors(query, {"org": org, "first": 51}, token=secret)

    [theme] = [t for t in found["node"]["themes"] if t["phrase"] == "tiempo de espera"]
    assert theme == {
        "phrase": "tiempo de espera",
        "proposalCount": 2,
        "mentionedIn": 2,
        "outcomes": [{"state": "OPEN", "proposals": 2}],
        "months": [{"month": f"{datetime.now(UTC):%Y-%m}", "proposals": 2}],
        "proposals": [{"title": "Tiempos de espera al teléfono"}],
    }
    assert too_many == ["`first` must be between 1 and 50, got 51."]
