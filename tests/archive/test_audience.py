"""An archive never publishes what its audience may not see: not in pages, the search index,
the JSON, the feed, the sitemap, the build's own state, nor the export it can be built from."""

from __future__ import annotations

import re

import orjson

from actas.api.domain.references import format_reference
from actas.api.domain.visibility import ProposalAudience
from actas.api.domain.vocabulary import ProposalState, Visibility
from actas.api.models import User
from actas.archive.audience import Audience, may_read
from tests.archive.conftest import Built, Exports
from tests.archive.scan import addresses_in, every_file, files_containing
from tests.archive.worlds import NOT_PUBLIC, SECRETS, HostileWorld


def facts(
    state: ProposalState, visibility: Visibility, unit: int | None = None
) -> ProposalAudience:
    return ProposalAudience(
        1,
        state,
        visibility,
        unit,
        author_id=7,
        participant_ids=frozenset({8}),
        opened=state is not ProposalState.DRAFT,
    )


def test_the_audience_reads_through_the_one_visibility_rule() -> None:
    closed = ProposalState.ACCEPTED
    for audience in Audience:
        assert not may_read(audience, facts(closed, Visibility.UNIT, 3), publishable=True)
        assert not may_read(audience, facts(closed, Visibility.PARTICIPANTS), publishable=True)
        assert not may_read(
            audience, facts(ProposalState.DRAFT, Visibility.ORGANISATION), publishable=True
        )
    assert may_read(
        Audience.ORGANISATION, facts(closed, Visibility.ORGANISATION), publishable=False
    )
    assert not may_read(Audience.PUBLIC, facts(closed, Visibility.ORGANISATION), publishable=False)
    assert may_read(Audience.PUBLIC, facts(closed, Visibility.ORGANISATION), publishable=True)


async def test_nothing_restricted_appears_anywhere_in_either_archive_nor_its_export(
    site: Built, public_site: Built, exports: Exports, hostile: HostileWorld
) -> None:
    references = [format_reference(hostile.slug, p.number) for p in hostile.restricted]
    emails = [user.email for user in await User.all()]
    patterns = [re.compile(re.escape(r) + r"(?![0-9])", re.IGNORECASE) for r in references]
    for root in (site.path, public_site.path, exports.organisation, exports.public):
        for path, text in every_file(root):  # each file read once, for every check
            assert [s for s in SECRETS if s in text] == [], path
            assert [p.pattern for p in patterns if p.search(text)] == [], path
            assert addresses_in(text, emails) == set(), path


async def test_the_public_export_holds_only_publishable_decisions_and_no_event_count(
    exports: Exports, hostile: HostileWorld
) -> None:
    text = exports.public.read_text()
    internal = format_reference(hostile.slug, hostile.internal.number)
    assert format_reference(hostile.slug, hostile.published.number) in text
    assert NOT_PUBLIC not in text
    assert not re.search(re.escape(internal) + r"(?![0-9])", text)
    (organisation,) = orjson.loads(text)["organisations"]
    assert organisation["chain_head"]["seq"] is None and organisation["chain_head"]["hash"]


async def test_the_organisation_archive_has_every_decision_all_members_may_see(
    site: Built, hostile: HostileWorld
) -> None:
    for proposal in (hostile.published, hostile.internal):
        reference = format_reference(hostile.slug, proposal.number)
        assert (site.path / hostile.slug / reference / "index.html").exists()
        assert (site.path / hostile.slug / f"{reference}.json").exists()
    assert files_containing(site.path, NOT_PUBLIC)


async def test_the_public_archive_has_only_publishable_decisions(
    public_site: Built, hostile: HostileWorld
) -> None:
    published = format_reference(hostile.slug, hostile.published.number)
    internal = format_reference(hostile.slug, hostile.internal.number)
    assert (public_site.path / hostile.slug / published / "index.html").exists()
    assert not (public_site.path / hostile.slug / internal).exists()
    assert files_containing(public_site.path, NOT_PUBLIC) == []
    pattern = re.compile(re.escape(internal) + r"(?![0-9])")
    assert [p for p, text in every_file(public_site.path) if pattern.search(text)] == []
    feed = (public_site.path / "feed.xml").read_text()
    sitemap = (public_site.path / "sitemap.xml").read_text()
    assert published in feed and published in sitemap


async def test_people_appear_by_name_never_by_email(site: Built) -> None:
    assert files_containing(site.path, "@example.org") == []
    assert files_containing(site.path, "@brisa.example") == []
