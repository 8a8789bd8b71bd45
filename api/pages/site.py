"""What every page handler shares: the personal links, CSRF, the archive, and the pages shown
to someone without a working key."""

from __future__ import annotations

import re
from dataclasses import dataclass

from babel import negotiate_locale
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from actas.api.archive_access import ARCHIVE_PATH, ArchiveFiles
from actas.api.catalogue import texts_for
from actas.api.domain.references import format_reference, parse_reference
from actas.api.domain.vocabulary import Language
from actas.api.pages.csrf import Csrf
from actas.api.pages.render import page
from actas.api.services.personal_links import PersonalLinks
from actas.api.services.proposal_page import ProposalPage

REFERENCE = re.compile(r"[A-Za-z0-9-]+-[0-9]+")  # no dots or slashes: it names a folder


@dataclass(frozen=True)
class Site:
    links: PersonalLinks
    csrf: Csrf
    archive: ArchiveFiles
    link_template: str  # where emails point (``personal_links.page_link``)

    async def without_key(self, request: Request, reference: str) -> Response:
        """A link with no key: the decision's archive page when this reader may see it there,
        else the page that asks for a personal link."""
        parsed = parse_reference(reference)
        if parsed is None or not REFERENCE.fullmatch(reference):
            return self.refused(request, reference, status_code=404, title="page.no_key.title")
        slug, number = parsed
        found = await self.archive.page_for(request, slug, format_reference(slug, number))
        if found is not None:
            return RedirectResponse(f"{ARCHIVE_PATH}/{found}")
        return self.refused(request, reference, status_code=200, title="page.no_key.title")

    def refused(
        self,
        request: Request,
        reference: str,
        *,
        status_code: int = 403,
        title: str = "page.link_refused.title",
    ) -> Response:
        """The same page for an expired, forged, revoked or foreign key, and for a proposal
        that does not exist: it offers a fresh link by email, and tells nothing else."""
        language = language_of(request)
        cookie = self.csrf.cookie_of(request)
        body = "page.no_key.body" if title == "page.no_key.title" else "page.link_refused.body"
        response = page(
            language,
            "link_refused.html.j2",
            {
                "t": texts_for(language.value),
                "title_key": title,
                "body_key": body,
                "reference": reference if REFERENCE.fullmatch(reference) else "",
                "csrf": self.csrf.token(cookie, bound_to=reference),
            },
            status_code=status_code,
        )
        self.csrf.keep(request, response, cookie)
        return response

    async def archive_page(self, request: Request, shown: ProposalPage) -> str | None:
        """A closed proposal's page in the archive, if its build shows it to this reader."""
        slug = shown.proposal.organisation.slug
        found = await self.archive.page_for(request, slug, shown.reference)
        if found is None or found.startswith("login?"):
            return None
        return f"{ARCHIVE_PATH}/{found}"


def language_of(request: Request) -> Language:
    """Without a key the reader is unknown: their browser's first language actas speaks."""
    wanted = [
        part.split(";")[0].strip() for part in request.headers.get("accept-language", "").split(",")
    ]
    chosen = negotiate_locale(
        [w.replace("-", "_") for w in wanted if w], [lang.value for lang in Language]
    )
    return Language(chosen) if chosen else Language.ES
