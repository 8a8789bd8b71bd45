"""Who sees a proposal, checked on every path against an oracle that knows nothing of the
production visibility code: ``issue_rule`` computes the README's sentences from the plan of a
generated organisation alone. Lists, ``node``, search, the organisation's event history, in-app
notifications, the emails queued for them and what digests and waitingForMe count: each shows a
person exactly the proposals the oracle lets them see, or fewer where a path is narrower (what
awaits someone is a part of what they see)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actas.api.domain.vocabulary import DeliveryChannel, TokenScope
from actas.api.models import Delivery, Event, Notification, Organisation
from actas.api.services.electorates import awaited_from
from actas.api.services.tokens import issue_token
from actas.api.settings import Settings
from tests.api.test_visibility import build, issue_rule, organisation_plans
from tests.schema.client import Api, gid

EVERY_STATE = "[DRAFT, OPEN, WITHDRAWN, ACCEPTED, REJECTED, ABANDONED]"
LISTED = f"""query($s: String!) {{
  organisation(slug: $s) {{
    proposals(first: 100, states: {EVERY_STATE}) {{ nodes {{ id }} }}
    events(first: 100) {{ nodes {{ seq }} }}
  }}
  search(text: "Generated", first: 100) {{ nodes {{ proposal {{ id }} }} }}
}}"""
NODE = "query($id: ID!) { node(id: $id) { id } }"


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.data())
async def test_every_path_shows_each_person_exactly_what_the_readme_lets_them_see(
    database: Settings, api: Api, data: st.DataObject
) -> None:
    plan = data.draw(organisation_plans(), label="organisation")
    built = await build(plan)
    slug = (await Organisation.get(id=built.organisation_id)).slug
    ids = {pid: gid("Proposal", pid) for pid, _ in built.proposals}
    by_global_id = {g: pid for pid, g in ids.items()}

    for user in sorted(set(built.people)):
        sees = {pid for pid, p in built.proposals if issue_rule(built, plan, user, p)}
        secret = (await issue_token(user, scope=TokenScope.READ, days=1)).secret
        listed = await api.run(LISTED, {"s": slug}, token=secret)
        organisation = listed["organisation"]

        in_list = {by_global_id[n["id"]] for n in organisation["proposals"]["nodes"]}
        found = {by_global_id[hit["proposal"]["id"]] for hit in listed["search"]["nodes"]}
        by_node = {
            pid
            for pid, g in ids.items()
            if (await api.run(NODE, {"id": g}, token=secret))["node"] is not None
        }
        seqs = [n["seq"] for n in organisation["events"]["nodes"]]
        in_history = set(
            await Event.filter(
                organisation_id=built.organisation_id, seq__in=seqs, proposal_id__isnull=False
            ).values_list("proposal_id", flat=True)
        )
        told = set(
            await Notification.filter(user_id=user, proposal_id__in=list(ids)).values_list(
                "proposal_id", flat=True
            )
        )
        mailed = set(
            await Delivery.filter(
                recipient_id=user,
                channel=DeliveryChannel.EMAIL,
                notification__proposal_id__in=list(ids),
            ).values_list("notification__proposal_id", flat=True)
        )
        awaited = {p.id for p in (await awaited_from([user]))[user] if p.id in ids}

        assert in_list == found == by_node == sees, f"user {user}"
        assert in_history <= sees and told <= sees and mailed <= told and awaited <= sees
