"""Everything a build derives from all decisions' summaries: the home page, each organisation's
page, the paginated lists per organisation, outcome, month, unit and tag, the feed, the sitemap
and ``archive.json``. Pure: the files' paths and contents, for ``build`` to write.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence

import orjson

from actas.archive import data, shell, themes
from actas.archive.audience import Audience
from actas.archive.render import Listing, Page, Renderer, decision_path
from actas.archive.texts import Texts, month_of


def files(
    renderer: Renderer,
    frames: shell.Frames,
    organisations: Sequence[data.Organisation],
    summaries: Mapping[str, Sequence[data.Summary]],
) -> Iterator[tuple[str, str | bytes]]:
    """(path, content) of every index file; ``summaries`` newest first per organisation."""
    pages: list[Page] = [renderer.home(organisations, summaries)]
    for organisation in organisations:
        own = summaries[organisation.slug]
        found = themes.themes(own)
        pages.append(renderer.organisation(organisation, own, found))
        for listing in listings(organisation, own, renderer.texts, found):
            pages.extend(renderer.listing(listing, n) for n in range(1, listing.pages + 1))
    for page in pages:
        yield page.path, frames.wrap(page, renderer.site_url)
    everything = [s for group in summaries.values() for s in group]
    names = {o.slug: o.name for o in organisations}
    yield "feed.xml", renderer.feed(everything, names)
    paths = [p.path.removesuffix("index.html") for p in pages]
    paths += [decision_path(s.organisation, s.reference) for s in everything]
    yield "sitemap.xml", renderer.sitemap([*paths, "search/", "about/"])
    yield "archive.json", archive_json(renderer, organisations, summaries)


def listings(
    organisation: data.Organisation,
    summaries: Sequence[data.Summary],
    t: Texts,
    found: Sequence[themes.Theme] = (),
) -> Iterable[Listing]:
    yield Listing(organisation, "decisions", "", t.all_decisions, tuple(summaries))
    groups: dict[tuple[str, str], list[data.Summary]] = defaultdict(list)
    labels: dict[tuple[str, str], str] = {}
    for s in summaries:
        keys = [
            ("outcome", s.outcome, t[f"outcome.{s.outcome}"]),
            ("month", s.month, t.format_month(month_of(s.month))),
        ]
        if s.unit_slug and s.unit:
            keys.append(("unit", s.unit_slug, s.unit))
        keys += [("tag", tag, f"#{tag}") for tag in s.tags]
        for kind, value, label in keys:
            groups[kind, value].append(s)
            labels[kind, value] = label
    for kind, value in sorted(groups):
        yield Listing(organisation, kind, value, labels[kind, value], tuple(groups[kind, value]))
    for theme in sorted(found, key=lambda theme: theme.slug):
        label = t.gettext("archive.theme.label", phrase=theme.phrase)
        yield Listing(organisation, "theme", theme.slug, label, theme.decisions)


def archive_json(
    renderer: Renderer,
    organisations: Sequence[data.Organisation],
    summaries: Mapping[str, Sequence[data.Summary]],
) -> bytes:
    public = renderer.audience == Audience.PUBLIC.value
    return orjson.dumps(
        {
            "audience": renderer.audience,
            "language": renderer.language,
            "organisations": [
                {
                    "slug": o.slug,
                    "name": o.name,
                    "decisions": [
                        s.reference for s in sorted(summaries[o.slug], key=lambda s: s.number)
                    ],
                    # The chain's head: a later truncation of the record would no longer match
                    # it. The public learns the hash, not how many events there are.
                    "chain_head": None
                    if o.chain_head is None
                    else {"hash": o.chain_head.hash}
                    if public
                    else {"seq": o.chain_head.seq, "hash": o.chain_head.hash},
                }
                for o in organisations
            ],
        },
        option=orjson.OPT_INDENT_2,
    )
