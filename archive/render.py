"""From plain data to text: pages, JSON, the badge, the feed and the sitemap. Pure functions.

Templates live in ``site_templates/`` and run in a Jinja environment with ``StrictUndefined``
(a missing value is an error, never an empty string) and autoescaping on: plain text is escaped
wherever it lands, and user Markdown reaches a page only through the ``markdown`` filter
(``sanitise.markdown``). User text is only ever *data* to a template, never template source.

Links between pages are relative (``root`` leads from a page to the site's root), so an archive
works wherever it is served: at a domain's root or under ``/archive/``.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from actas.api import clock
from actas.api.catalogue import Message
from actas.archive import data, sanitise
from actas.archive.texts import month_of, texts_for

if TYPE_CHECKING:
    from actas.archive.themes import Theme

TEMPLATES = Path(__file__).resolve().parent.parent / "site_templates"
PAGE_SIZE = 50
MARKDOWN_SPECIAL = "\\[]*_`<>|#"  # in a table cell or at a line's start too
LABEL_SPECIAL = "\\[]*_`<>"  # inside a link's label
STANCES = ("agree", "abstain", "disagree", "block")  # the tally's columns, in this order
TIMELINE_SHOWN = 12  # a longer timeline is folded, so it does not push the citation away
OUTCOMES = ("accepted", "rejected", "abandoned", "withdrawn")
THEME_NEWEST = 3  # decisions linked under each theme on the organisation page
# The organisation page's sections (their anchors in organisation.html.j2) and their headings.
ORGANISATION_SECTIONS = {
    "recent": "recent",
    "outcomes": "by_outcome",
    "units": "by_unit",
    "tags": "by_tag",
    "themes": "archive.themes",
    "months": "per_month",
    "chain": "chain",
}


@dataclass(frozen=True)
class Page:
    """One HTML page's own part: set into the theme's frame by ``shell.Frames``."""

    path: str  # inside the site, e.g. ``brisa/BRISA-6/index.html``
    title: str  # plain text
    content: str  # HTML of the article
    toc: tuple[tuple[str, str], ...] = ()  # (anchor, label) for the page's outline

    @property
    def depth(self) -> int:
        return self.path.count("/")


@dataclass(frozen=True)
class Listing:
    """One facet value's decisions, e.g. tag ``checkout`` of organisation ``brisa``."""

    organisation: data.Organisation
    kind: str  # decisions | outcome | unit | tag | month | theme
    value: str  # a path segment ("" for all decisions)
    label: str  # plain text
    summaries: tuple[data.Summary, ...]  # newest first

    @property
    def folder(self) -> str:
        parts = [self.organisation.slug, self.kind] + ([self.value] if self.value else [])
        return "/".join(parts)

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.summaries) // PAGE_SIZE))

    def page_path(self, number: int) -> str:
        return f"{self.folder}/" + (f"{number}/" if number > 1 else "")


def decision_path(slug: str, reference: str) -> str:
    return f"{slug}/{reference}/"


@dataclass(frozen=True)
class Figures:
    decisions: int
    per_month: tuple[tuple[str, int], ...]  # oldest first
    median_days: float | None
    participation: float | None
    by_outcome: tuple[tuple[str, int], ...]


def figures(summaries: Sequence[data.Summary]) -> Figures:
    """Headline figures: decisions per month, median days from opening to decision (for
    proposals that were opened), and participation (eligible voters who took a position)."""
    months = Counter(s.month for s in summaries)
    days = [(s.decided_at - s.opened_at).total_seconds() / 86400 for s in summaries if s.opened_at]
    eligible = sum(s.eligible for s in summaries)
    outcomes = Counter(s.outcome for s in summaries)
    return Figures(
        decisions=len(summaries),
        per_month=tuple(sorted(months.items())),
        median_days=round(statistics.median(days), 1) if days else None,
        participation=sum(s.spoke for s in summaries) / eligible if eligible else None,
        by_outcome=tuple((o, outcomes[o]) for o in OUTCOMES if outcomes[o]),
    )


class Renderer:
    """Renders for one language, audience and site URL."""

    def __init__(
        self, *, language: str, audience: str, site_url: str, today: date | None = None
    ) -> None:
        self.texts = texts_for(language)
        self.today = today or clock.now().date()  # UTC
        self.language = language
        self.audience = audience
        self.site_url = site_url.rstrip("/") + "/"
        self.env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            undefined=StrictUndefined,
            autoescape=select_autoescape(["html", "xml", "svg", "j2"], default=True),
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.filters["markdown"] = sanitise.markdown
        self.env.filters["excerpt"] = sanitise.excerpt
        self.env.filters["md"] = markdown_text
        self.env.filters["cell"] = lambda v: markdown_text(v).replace("\n", " ")
        self.env.filters["quoted"] = lambda v: "\n".join(
            ("> " + line).rstrip() for line in v.splitlines()
        )
        self.env.filters["date"] = self.texts.format_date
        self.env.filters["moment"] = self.texts.format_moment
        self.env.filters["month"] = lambda v: self.texts.format_month(month_of(v))
        self.env.filters["number"] = self.texts.format_decimal
        self.env.filters["percent"] = self.percent
        self.env.filters["reason"] = lambda v: self.texts.render(Message.from_data(v))
        self.env.filters["iso"] = lambda v: v.isoformat().replace("+00:00", "Z")
        self.env.filters["event"] = self.event_text
        self.env.filters["cast"] = self.cast_text
        self.env.globals.update(
            t=self.texts,
            language=language,
            audience=audience,
            STANCES=STANCES,
            TIMELINE_SHOWN=TIMELINE_SHOWN,
            today=self.today,
        )

    def percent(self, value: float | None) -> str:
        return "-" if value is None else self.texts.format_percent(value)

    def event_text(self, event: data.Event) -> str:
        """What an event did, as plain text (the template escapes it)."""
        t, detail = self.texts, dict(event.detail)
        key = f"event.{event.type}"
        if "publishable" in detail:
            key += ".true" if detail["publishable"] else ".false"
        if detail.get("stance"):
            detail["stance"] = t[f"position.{detail['stance']}"]
        if detail.get("role"):
            detail["role"] = t[f"archive.role.{detail['role']}"]  # words that fit anyone
        if event.type == "position.taken" and detail.get("person"):
            # Cast for the person named: by their delegate, or recorded by a proxy with a note.
            key += ".proxy" if detail.get("cast_by") == "proxy" else ".for"
        if detail.get("status"):
            detail["status"] = t[f"follow_up.{detail['status']}"]
        if detail.get("verdict"):
            detail["verdict"] = t[f"verdict.{detail['verdict']}"]
        if detail.get("due"):
            detail["due"] = date.fromisoformat(detail["due"])
        filled = defaultdict(lambda: "?", detail)
        if "changed" in detail:
            key += "." + _follow_up_change(event.detail)
            filled["changes"] = t.format_list(
                t.fill(t[f"follow_up.now.{what}"], filled) for what in detail["changed"]
            )
        if key not in t:
            return t.gettext("event.other", type=event.type)
        return t.fill(t[key], filled)

    def cast_text(self, position: Cast, member: str) -> str:
        """Who cast a position for ``member`` ("by Diego, for Lucía"; a proxy's with its note),
        or nothing for the member's own."""
        if position.cast_by == "member" or position.caster is None:
            return ""
        key = "position.cast.proxy" if position.cast_by == "proxy" else "position.cast.delegate"
        return self.texts.gettext(key, caster=position.caster, member=member, note=position.note)

    def _render(self, template: str, **context: object) -> str:
        return self.env.get_template(template).render(**context)

    # Pages ------------------------------------------------------------------------------

    def decision(self, decision: data.Decision) -> Page:
        path = decision_path(decision.organisation, decision.reference)
        url = self.site_url + path
        toc = [("decision", self.texts.statement)]
        if decision.followed_through:
            toc.append(("follow-through", self.texts.follow_through))
        toc.append(("proposal", self.texts.proposal))
        if decision.versions[:-1]:
            toc.append(("versions", self.texts.versions))
        toc += [("debate", self.texts.arguments), ("positions", self.texts.positions)]
        if decision.links:
            toc.append(("links", self.texts.links))
        toc += [("timeline", self.texts.timeline), ("cite", self.texts.cite)]
        content = self._render(
            "decision.html.j2",
            d=decision,
            root="../../",
            url=url,
            citation=self.citation(decision, url),
            texts_for=_argument_index(decision),
            earlier=earlier_positions(decision),
        )
        return Page(
            path + "index.html", f"{decision.reference}: {decision.title}", content, tuple(toc)
        )

    def decision_markdown(self, decision: data.Decision) -> str:
        """The decision as Markdown (``BRISA-6.md``), ready for minutes."""
        url = self.site_url + decision_path(decision.organisation, decision.reference)
        return self._render(
            "decision.md.j2",
            d=decision,
            url=url,
            site_url=self.site_url,
            earlier=earlier_positions(decision),
        )

    def citation(self, decision: data.Decision, url: str) -> dict[str, str]:
        outcome = self.texts[f"outcome.{decision.outcome}"]
        when = self.texts.format_date(decision.decided_at)
        label = f"{decision.reference}: {decision.title}"
        return {
            "markdown": f"[{markdown_text(label, LABEL_SPECIAL)}]({url}) ({outcome}, {when})",
            "html": str(Markup('<a href="{}">{}</a> ({}, {})').format(url, label, outcome, when)),
        }

    def listing(self, listing: Listing, number: int) -> Page:
        start = (number - 1) * PAGE_SIZE
        path = listing.page_path(number)
        title = f"{listing.label} · {listing.organisation.name}"
        content = self._render(
            "listing.html.j2",
            listing=listing,
            items=listing.summaries[start : start + PAGE_SIZE],
            number=number,
            root="../" * path.count("/"),
            previous=_relative(path, listing.page_path(number - 1)) if number > 1 else None,
            next=_relative(path, listing.page_path(number + 1)) if number < listing.pages else None,
        )
        return Page(path + "index.html", title, content)

    def organisation(
        self,
        organisation: data.Organisation,
        summaries: Sequence[data.Summary],
        themes: Sequence[Theme] = (),
    ) -> Page:
        counts = Counter(s.unit_slug for s in summaries if s.unit_slug)
        units = [(u, counts[u.slug]) for u in organisation.units if counts[u.slug]]
        tags = sorted(Counter(tag for s in summaries for tag in s.tags).items())
        content = self._render(
            "organisation.html.j2",
            org=organisation,
            recent=summaries[:10],
            figures=figures(summaries),
            units=units,
            tags=tags,
            themes=themes,
            newest=THEME_NEWEST,
            root="../",
        )
        sections = {
            "recent": bool(summaries),
            "outcomes": bool(summaries),
            "units": bool(summaries and units),
            "tags": bool(summaries and tags),
            "themes": bool(summaries and themes),
            "months": bool(summaries),
            "chain": organisation.chain_head is not None,
        }
        outline = tuple(
            (anchor, self.texts[ORGANISATION_SECTIONS[anchor]])
            for anchor, shown in sections.items()
            if shown
        )
        return Page(f"{organisation.slug}/index.html", organisation.name, content, outline)

    def home(
        self,
        organisations: Sequence[data.Organisation],
        summaries: Mapping[str, Sequence[data.Summary]],
    ) -> Page:
        everything = sorted((s for group in summaries.values() for s in group), key=_newest_first)
        content = self._render(
            "home.html.j2",
            organisations=[(o, figures(summaries[o.slug])) for o in organisations],
            recent=everything[:15],
            names={o.slug: o.name for o in organisations},
            root="",
        )
        outline = (("organisations", self.texts.organisations), ("recent", self.texts.recent))
        return Page("index.html", self.texts.site_name, content, outline)

    def shell_markdown(self, name: str) -> str:
        """A page of the mkdocs shell (``site_templates/shell/``): fixed texts only, so no user
        text ever reaches python-markdown or mkdocs' unescaped title templates."""
        return self._render(f"shell/{name}.md.j2")

    # Other formats ------------------------------------------------------------------------

    def badge(self, decision: data.Decision) -> str:
        label = decision.reference
        value = self.texts[f"outcome.{decision.outcome}"]
        return self._render(
            "badge.svg.j2",
            label=label,
            value=value,
            colour=BADGE_COLOURS[decision.outcome],
            left=_text_width(label),
            right=_text_width(value),
        )

    def feed(
        self, summaries: Sequence[data.Summary], names: dict[str, str], limit: int = 50
    ) -> str:
        entries = sorted(summaries, key=_newest_first)[:limit]
        return self._render("feed.xml.j2", entries=entries, names=names, site_url=self.site_url)

    def sitemap(self, paths: Iterable[str]) -> str:
        return self._render("sitemap.xml.j2", paths=sorted(paths), site_url=self.site_url)

    def search_document(self, decision: data.Decision) -> str:
        """What Pagefind indexes of a decision: its words, anchored by argument."""
        return self._render("search_document.html.j2", d=decision)


BADGE_COLOURS = {
    "accepted": "#2e7d32",
    "rejected": "#c62828",
    "withdrawn": "#6d6d6d",
    "abandoned": "#8d6e63",
}


def review_turns_overdue(decision: data.Decision) -> date | None:
    """The day after which the decision's page says its outcome review is overdue (its
    expected impact's date, while nothing is reviewed), or None when it never will."""
    pending = decision.outcome == "accepted" and not decision.outcome_review
    return decision.impact.by if pending else None


def markdown_text(text: str, special: str = MARKDOWN_SPECIAL) -> str:
    """Plain text for Markdown: its own characters escaped, so it reads as written."""
    return "".join("\\" + c if c in special else c for c in str(text))


class Cast(Protocol):
    """How a position was cast (``data.Position``, ``Earlier``)."""

    @property
    def cast_by(self) -> str: ...  # vocabulary.CastBy
    @property
    def caster(self) -> str | None: ...
    @property
    def note(self) -> str: ...


@dataclass(frozen=True)
class Earlier:
    """A position a person took before their last one, as the timeline recorded it."""

    stance: str
    at: datetime
    cast_by: str = "member"
    caster: str | None = None  # who cast it for them
    note: str = ""


def earlier_positions(decision: data.Decision) -> dict[str, list[Earlier]]:
    """Each person's positions before their last one, oldest first, from the timeline: a block
    later lifted is part of why a decision went as it did. A position cast for someone (by a
    delegate or a proxy, its actor) is theirs, and says by whom."""
    taken: dict[str, list[Earlier]] = defaultdict(list)
    for event in decision.events:
        detail = event.detail
        person = detail.get("person") or event.actor
        if event.type != "position.taken" or not person or not detail.get("stance"):
            continue
        cast_for_them = bool(detail.get("person"))
        taken[person].append(
            Earlier(
                detail["stance"],
                event.at,
                cast_by=detail.get("cast_by", "delegate") if cast_for_them else "member",
                caster=event.actor if cast_for_them else None,
                note=detail.get("note", ""),
            )
        )
    return {person: stances[:-1] for person, stances in taken.items() if len(stances) > 1}


def _follow_up_change(detail: dict[str, Any]) -> str:
    """Which sentence tells a follow-up's update: its one change (a new status by the status
    itself), ``several`` changes listed, or ``other`` when what it changed is unknown."""
    changed = detail["changed"]
    if len(changed) != 1:
        return "several" if changed else "other"
    return str(detail["status"]) if changed == ["status"] else str(changed[0])


def _text_width(text: str) -> int:
    return 10 + 7 * len(text)


def _newest_first(summary: data.Summary) -> tuple[float, str, int]:
    return (-summary.decided_at.timestamp(), summary.organisation, -summary.number)


def _argument_index(decision: data.Decision) -> dict[int, data.Argument]:
    return {a.number: a for a in decision.arguments}


def _relative(from_folder: str, to_folder: str) -> str:
    """A relative link between two folders of the site (both end with ``/``)."""
    return "../" * from_folder.count("/") + to_folder
