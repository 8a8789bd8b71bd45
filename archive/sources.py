"""Where a build's data comes from: the database, or an export file (``export_reader.FileSource``).

A source gives what a build needs and nothing else, as plain data: the organisations, a stamp
per decision (``changes``), the decisions it asks for, and why it has none when it has none.
Both sources apply the audience before anything leaves them, through ``audience``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Protocol

from actas.api.models import Organisation as OrganisationRow
from actas.archive import changes, collect, data
from actas.archive.audience import Audience, archived_proposals
from actas.archive.errors import ArchiveError


class Source(Protocol):
    @property
    def audience(self) -> Audience: ...

    async def organisations(self, slugs: Sequence[str]) -> list[data.Organisation]:
        """The chosen organisations (every one when ``slugs`` is empty), by slug; the calls
        below are about these."""
        ...

    async def stamps(self, fingerprint: str) -> dict[str, list[changes.Stamp]]:
        """A stamp per decision the archive carries, by number, per organisation."""
        ...

    async def names(self) -> dict[int, str]:
        """People's names by user id, for the stamps of decisions known from the last build."""
        ...

    def decisions(self, slug: str, ids: Sequence[int]) -> AsyncIterator[list[collect.Read]]:
        """The decisions of these stamps' ``proposal_id``, in batches, by number."""
        ...

    async def why_empty(self) -> str:
        """Why there is no decision to archive, in a sentence for the operator."""
        ...


class DatabaseSource:
    def __init__(self, audience: Audience) -> None:
        self._audience = audience
        self._ids: dict[str, int] = {}  # organisation id by slug

    @property
    def audience(self) -> Audience:
        return self._audience

    async def organisations(self, slugs: Sequence[str]) -> list[data.Organisation]:
        if not slugs:
            slugs = [
                str(slug)
                for (slug,) in await OrganisationRow.all().order_by("slug").values_list("slug")
            ]
        found = []
        for slug in sorted(set(slugs)):
            organisation = await collect.organisation(slug)
            if organisation is None:
                raise ArchiveError(f"No organisation {slug!r}.")
            self._ids[slug] = organisation[0]
            found.append(organisation[1])
        if not found:
            raise ArchiveError("There is no organisation to archive.")
        return found

    def id_of(self, slug: str) -> int:
        """The database id of a chosen organisation."""
        return self._ids[slug]

    async def stamps(self, fingerprint: str) -> dict[str, list[changes.Stamp]]:
        return {
            slug: await changes.stamps(self._audience, organisation_id, slug, fingerprint)
            for slug, organisation_id in self._ids.items()
        }

    async def names(self) -> dict[int, str]:
        return await changes.names()

    def decisions(self, slug: str, ids: Sequence[int]) -> AsyncIterator[list[collect.Read]]:
        return collect.decisions(self._audience, slug, ids)

    async def why_empty(self) -> str:
        reasons = []
        for slug, organisation_id in self._ids.items():
            everyone = await archived_proposals(Audience.ORGANISATION, organisation_id).count()
            if not everyone:
                reasons.append(
                    f"{slug} has no closed decision that every member may see (decisions "
                    "restricted to a unit or to their participants are never archived)"
                )
            elif self._audience is Audience.PUBLIC:
                reasons.append(
                    f"none of the {everyone} closed decisions of {slug} that every member may "
                    "see is marked publishable (an admin marks one with setPublishable)"
                )
        return "; ".join(reasons) + "."
