"""Who sees a proposal on its page, checked against the audience oracle of
``tests/api/test_visibility.py`` (``issue_rule``: the README's sentences computed from a
generated organisation's plan alone, knowing nothing of the production visibility code).

For every person of a generated organisation and every one of its proposals, the person's own
personal link for that proposal opens it exactly when the oracle lets them see it. A hidden
proposal answers exactly as a missing one does (same status, same page but for the CSRF token
and the reference the reader typed), and so does a working key shown at the reference of a
proposal it was not made for. A page that opens never carries an argument or a position of
another proposal.
"""

from __future__ import annotations

import re

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actas.api import clock
from actas.api.domain.references import format_reference
from actas.api.domain.vocabulary import PositionStance, Stance
from actas.api.models import Argument, Organisation, Position, Proposal
from actas.api.services.personal_links import PersonalKey, PersonalLinks, Purpose
from actas.api.settings import Settings
from tests.api.test_visibility import Built, build, issue_rule, organisation_plans
from tests.pages.browsing import SECRET, browser, page_settings

MISSING_NUMBER = 9999  # no generated organisation has that many proposals
CSRF = re.compile(r'name="csrf" value="[^"]*"')


def argument_mark(proposal_id: int) -> str:
    return f"ARGMARK{proposal_id:07d}END"


def position_mark(proposal_id: int, user_id: int) -> str:
    return f"POSMARK{proposal_id:07d}U{user_id:07d}END"


async def with_debates(built: Built) -> None:
    """An argument and every member's position on each proposal, each marked with its
    proposal. Written as rows: the plan's proposals pass through their states at once (a
    closed one takes no argument), and the page reads rows whatever wrote them."""
    now = clock.now()
    for proposal_id, _ in built.proposals:
        await Argument.create(
            organisation_id=built.organisation_id,
            proposal_id=proposal_id,
            stance=Stance.FOR,
            body=argument_mark(proposal_id),
            author_id=built.people[0],
            proposal_version=1,
            created_at=now,
        )
        await Position.bulk_create(
            [
                Position(
                    organisation_id=built.organisation_id,
                    proposal_id=proposal_id,
                    user_id=user,
                    stance=PositionStance.AGREE,
                    reason=position_mark(proposal_id, user),
                    proposal_version=1,
                    created_at=now,
                    updated_at=now,
                )
                for user in sorted(set(built.people))
            ]
        )


def page_path(slug: str, number: int, key: str) -> str:
    return f"/p/{format_reference(slug, number)}?k={key}"


def as_typed(response: httpx.Response, slug: str, number: int) -> tuple[int, str]:
    """Status and page, without what differs by request alone: the CSRF token, and the
    reference the reader typed (the page repeats it in its form's address)."""
    body = CSRF.sub('name="csrf"', response.text).replace(format_reference(slug, number), "REF")
    return response.status_code, body


def marks_of_others(html: str, shown: int, proposal_ids: list[int]) -> list[int]:
    """The proposals other than ``shown`` whose argument or positions the page carries."""
    return [
        pid
        for pid in proposal_ids
        if pid != shown and (argument_mark(pid) in html or f"POSMARK{pid:07d}U" in html)
    ]


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.data())
async def test_each_persons_links_open_exactly_the_proposals_the_oracle_lets_them_see(
    database: Settings, data: st.DataObject
) -> None:
    plan = data.draw(organisation_plans(), label="organisation")
    built = await build(plan)
    await with_debates(built)
    slug = (await Organisation.get(id=built.organisation_id)).slug
    ids = [pid for pid, _ in built.proposals]
    numbers = dict(await Proposal.filter(id__in=ids).values_list("id", "number"))
    links = PersonalLinks(SECRET)

    def key(user: int, proposal_id: int) -> str:
        return links.key(
            PersonalKey(Purpose.PROPOSAL, user, built.organisation_id, proposal_id), generation=0
        )

    async with browser(page_settings(database)) as client:
        for user in sorted(set(built.people)):
            missing_key = key(user, max(ids) + 1000)
            missing = as_typed(
                await client.get(page_path(slug, MISSING_NUMBER, missing_key)),
                slug,
                MISSING_NUMBER,
            )
            assert missing[0] == 403
            visible = [pid for pid, p in built.proposals if issue_rule(built, plan, user, p)]
            for pid, _ in built.proposals:
                number = numbers[pid]
                response = await client.get(page_path(slug, number, key(user, pid)))
                if pid not in visible:
                    assert as_typed(response, slug, number) == missing, (user, pid)
                    if visible:  # a working key, at a reference it was not made for
                        elsewhere = await client.get(page_path(slug, number, key(user, visible[0])))
                        assert as_typed(elsewhere, slug, number) == missing, (user, pid)
                    continue
                assert response.status_code == 200, (user, pid)
                assert argument_mark(pid) in response.text, (user, pid)
                assert marks_of_others(response.text, pid, ids) == [], (user, pid)
