"""The inbox and following through, over GraphQL: notifications and marking them read, what awaits
you, following, email preferences, webhooks and their delivery log, follow-ups, outcome reviews
and metrics."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from actas.api import clock
from actas.api.domain.vocabulary import ParticipantRole, PositionStance, ProposalState, Stance
from actas.api.services import debate, inbox, proposals
from tests.factories import build_world, opened
from tests.schema.client import Api, gid, token

ERROR = "... on Error { message code } ... on ValidationError { field }"


async def test_a_decider_is_told_reads_and_catches_up(api: Api) -> None:
    world = await build_world()
    await inbox.mark_all_read(await world.viewer("teo"))  # being added as a member was news
    deadline = clock.now() + timedelta(days=3)
    proposal = await opened(world, participants={"teo": ParticipantRole.DECIDER}, deadline=deadline)
    teo = await token(world, "teo")
    query = """{ viewer {
        unreadNotificationCount
        waitingForMe { reference }
        notifications(first: 10, unreadOnly: true) {
          nodes { id reason event { type actor { name } } proposal { reference } }
        }
    } }"""

    before = (await api.run(query, token=teo))["viewer"]

    reference = f"{world.organisation.slug.upper()}-{proposal.number}"
    assert before["unreadNotificationCount"] == 1
    assert before["waitingForMe"] == [{"reference": reference}]
    [invitation] = before["notifications"]["nodes"]
    assert invitation["reason"] == "INVITED"
    assert invitation["event"] == {"type": "proposal.opened", "actor": {"name": "Mara"}}
    assert invitation["proposal"] == {"reference": reference}

    marked = await api.mutate(
        """mutation($ids: [ID!]!) { markNotificationsRead(input: {notifications: $ids}) {
            ... on MarkedRead { count } """
        + ERROR
        + " } }",
        {"ids": [invitation["id"]]},
        token=teo,
    )
    assert marked == {"count": 1}
    await debate.take_position(await world.viewer("teo"), proposal.id, stance=PositionStance.AGREE)
    after = (await api.run(query, token=teo))["viewer"]
    assert after["unreadNotificationCount"] == 0
    assert after["waitingForMe"] == []


async def test_marking_everything_read_and_following_a_proposal(api: Api) -> None:
    world = await build_world()
    proposal = await opened(world)
    ana = await token(world, "ana")

    follow = (
        """mutation($p: ID!, $f: Boolean!) { followProposal(input: {proposal: $p, following: $f}) {
        ... on Proposal { viewerFollows } """
        + ERROR
        + " } }"
    )
    assert await api.mutate(follow, {"p": gid("Proposal", proposal.id), "f": True}, token=ana) == {
        "viewerFollows": True
    }
    await debate.add_argument(
        await world.viewer("mara"), proposal.id, stance=Stance.FOR, body="More data."
    )
    count = "{ viewer { unreadNotificationCount } }"
    assert (await api.run(count, token=ana))["viewer"]["unreadNotificationCount"] >= 1

    everything = "mutation { markNotificationsRead(input: {}) { ... on MarkedRead { count } } }"
    assert (await api.mutate(everything, token=ana))["count"] >= 1
    assert (await api.run(count, token=ana))["viewer"]["unreadNotificationCount"] == 0

    assert await api.mutate(follow, {"p": gid("Proposal", proposal.id), "f": False}, token=ana) == {
        "viewerFollows": False
    }


async def test_a_member_chooses_how_they_get_email_and_only_they_see_it(api: Api) -> None:
    world = await build_world()
    mode = (
        """mutation($o: ID!) { setEmailMode(input: {organisation: $o, mode: DAILY}) {
        ... on Membership { emailMode } """
        + ERROR
        + " } }"
    )
    ana = await token(world, "ana")

    assert await api.mutate(mode, {"o": gid("Organisation", world.organisation.id)}, token=ana) == {
        "emailMode": "DAILY"
    }
    members = """query($slug: String!) { organisation(slug: $slug) {
        members(first: 50) { nodes { emailMode user { name } } } } }"""
    seen_by_mara = await api.run(
        members, {"slug": world.organisation.slug}, token=await token(world, "mara")
    )
    modes = {
        m["user"]["name"]: m["emailMode"] for m in seen_by_mara["organisation"]["members"]["nodes"]
    }
    assert modes["Ana"] is None  # another member's preference is theirs alone
    assert modes["Mara"] == "IMMEDIATE"


async def test_admins_register_webhooks_and_read_their_delivery_log(api: Api) -> None:
    world = await build_world()
    admin = await token(world, "admin")
    create = (
        """mutation($o: ID!, $url: String!) {
        createWebhook(input: {organisation: $o, url: $url, eventTypes: ["proposal.opened"]}) {
          ... on CreatedWebhook { secret webhook { id url eventTypes active } } """
        + ERROR
        + " } }"
    )

    created = await api.mutate(
        create,
        {"o": gid("Organisation", world.organisation.id), "url": "https://hooks.example/actas"},
        token=admin,
    )
    assert len(created["secret"]) == 64
    assert created["webhook"]["eventTypes"] == ["proposal.opened"]
    refused = await api.mutate(
        create,
        {"o": gid("Organisation", world.organisation.id), "url": "https://hooks.example/x"},
        token=await token(world, "mara"),
    )
    assert refused["code"] == "forbidden"
    invalid = await api.mutate(
        create, {"o": gid("Organisation", world.organisation.id), "url": "ftp://x"}, token=admin
    )
    assert (invalid["code"], invalid["field"]) == ("validation", "url")

    await opened(world)
    log = """query($slug: String!) { organisation(slug: $slug) { webhooks {
        url deliveries(first: 5) { nodes { channel status attempts attemptLog { number } } }
    } } }"""
    hooks = (await api.run(log, {"slug": world.organisation.slug}, token=admin))["organisation"]
    [hook] = hooks["webhooks"]
    assert hook["deliveries"]["nodes"] == [
        {"channel": "WEBHOOK", "status": "PENDING", "attempts": 0, "attemptLog": []}
    ]
    members_view = await api.run(
        log, {"slug": world.organisation.slug}, token=await token(world, "mara")
    )
    assert members_view["organisation"]["webhooks"] == []

    switched_off = await api.mutate(
        """mutation($w: ID!) { updateWebhook(input: {webhook: $w, active: false}) {
            ... on Webhook { active } """
        + ERROR
        + " } }",
        {"w": created["webhook"]["id"]},
        token=admin,
    )
    assert switched_off == {"active": False}


async def test_an_accepted_decision_is_followed_through_to_its_outcome(api: Api) -> None:
    world = await build_world()
    proposal = await opened(world, participants={"teo": ParticipantRole.DECIDER})
    await proposals.decide_proposal(
        await world.viewer("teo"), proposal.id, outcome=ProposalState.ACCEPTED, statement="Go."
    )
    mara = await token(world, "mara")
    due = (datetime.now(UTC) + timedelta(days=10)).date()

    added = await api.mutate(
        """mutation($p: ID!, $o: ID!, $d: Date!) {
            addFollowUp(input: {proposal: $p, title: "Run the test", owner: $o, due: $d}) {
              ... on FollowUp { id title status due owner { name } } """
        + ERROR
        + " } }",
        {
            "p": gid("Proposal", proposal.id),
            "o": gid("User", world.id("ana")),
            "d": due.isoformat(),
        },
        token=mara,
    )
    assert (added["title"], added["status"], added["owner"]) == (
        "Run the test",
        "OPEN",
        {"name": "Ana"},
    )

    without_note = await api.mutate(
        """mutation($f: ID!) { updateFollowUp(input: {followUp: $f, status: DONE}) {
            ... on FollowUp { status } """
        + ERROR
        + " } }",
        {"f": added["id"]},
        token=await token(world, "ana"),
    )
    assert (without_note["code"], without_note["field"]) == ("validation", "note")
    done = await api.mutate(
        """mutation($f: ID!) {
          updateFollowUp(input: {followUp: $f, status: DONE, note: "Ran 4 weeks."}) {
            ... on FollowUp { status note } """
        + ERROR
        + " } }",
        {"f": added["id"]},
        token=await token(world, "ana"),
    )
    assert done == {"status": "DONE", "note": "Ran 4 weeks."}

    outcome = (
        """mutation($p: ID!) {
        recordOutcome(input: {
          proposal: $p, observed: "2,4 %", verdict: PARTLY, comment: "Half way."
        }) {
          ... on Proposal {
            followUps { status }
            outcomeReview { observed verdict comment reviewedBy { name } }
          }
          """
        + ERROR
        + " } }"
    )
    recorded = await api.mutate(outcome, {"p": gid("Proposal", proposal.id)}, token=mara)
    assert recorded["outcomeReview"] == {
        "observed": "2,4 %",
        "verdict": "PARTLY",
        "comment": "Half way.",
        "reviewedBy": {"name": "Mara"},
    }
    again = await api.mutate(outcome, {"p": gid("Proposal", proposal.id)}, token=mara)
    assert again["code"] == "validation"


async def test_metrics_describe_how_decisions_flow(api: Api) -> None:
    world = await build_world()
    decided = await opened(world, participants={"teo": ParticipantRole.DECIDER})
    with clock.frozen_at(clock.now() + timedelta(hours=30)):
        await proposals.decide_proposal(
            await world.viewer("teo"), decided.id, outcome=ProposalState.ACCEPTED, statement="Yes."
        )
    await opened(world, participants={"ana": ParticipantRole.REQUIRED})
    metrics = """query($slug: String!) { organisation(slug: $slug) { metrics {
        decided medianHoursToDecision requiredParticipation openProposals openPastDeadline
        overdueFollowUps pendingVoices { proposals user { name } } } } }"""

    figures = (
        await api.run(metrics, {"slug": world.organisation.slug}, token=await token(world, "admin"))
    )["organisation"]["metrics"]

    assert figures["decided"] == 1
    assert 29.9 <= figures["medianHoursToDecision"] <= 30.1
    assert figures["requiredParticipation"] == 0.0  # teo decided without a position; ana is silent
    assert (figures["openProposals"], figures["openPastDeadline"]) == (1, 0)
    assert figures["pendingVoices"] == [{"proposals": 1, "user": {"name": "Ana"}}]
