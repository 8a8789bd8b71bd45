"""What a reader finds on a decision's page of the demo's archive (BRISA-6, whose block was
later lifted): the cited arguments with their words, the permalink, citation, data, Markdown
and badge at the top, each position with its history, people apart from weights in the tally,
a long timeline folded, roles in words that fit anyone; and the Markdown record beside it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import orjson

from actas.archive.build import BuildOptions, build_archive
from actas.archive.sanitise import excerpt
from actas.archive.texts import texts_for
from tests.archive.conftest import Built
from tests.archive.dom import Element, find, order, parse

ES = texts_for("es")


def page(site: Built, path: str) -> Element:
    return parse((site.path / path).read_text(encoding="utf-8"))


def record(site: Built, reference: str = "BRISA-6") -> dict[str, Any]:
    found: dict[str, Any] = orjson.loads((site.path / "brisa" / f"{reference}.json").read_bytes())
    return found


def article(site: Built, reference: str = "BRISA-6") -> Element:
    return find(page(site, f"brisa/{reference}/index.html"), "article")[0]


def test_each_cited_argument_shows_its_words_and_links_to_them(site: Built) -> None:
    cited = [a for a in record(site)["arguments"] if a["cited"]]
    items = find(find(article(site), "ul", "actas-cited")[0], "li")

    assert len(items) == len(cited) > 1
    for item, argument in zip(items, cited, strict=True):
        link = find(item, "a")[0]
        quote = find(item, "blockquote", "actas-cited__excerpt")[0]
        assert link.attrs["href"] == f"#argument-{argument['number']}"
        assert quote.text() == excerpt(argument["body"])


def test_permalink_citation_data_markdown_and_badge_are_at_the_top(site: Built) -> None:
    top = article(site)
    actions = find(top, "nav", "actas-actions")[0]
    links = find(actions, "a")
    statement = next(e for e in order(top) if e.attrs.get("id") == "decision")

    assert [a.attrs["href"] for a in links][1:] == [
        "#cite",
        "../BRISA-6.json",
        "../BRISA-6.md",
        "../BRISA-6.svg",
    ]
    assert str(links[0].attrs["href"]).endswith("/brisa/BRISA-6/")
    assert order(top).index(actions) < order(top).index(statement)
    for name in ("BRISA-6.json", "BRISA-6.md", "BRISA-6.svg"):
        assert (site.path / "brisa" / name).is_file()


def test_a_position_shows_what_the_person_said_before(site: Built) -> None:
    taken: dict[str, list[str]] = {}
    for event in record(site)["events"]:
        if event["type"] == "position.taken":
            taken.setdefault(event["actor"], []).append(event["detail"]["stance"])
    rows = find(find(article(site), "table", "actas-positions")[0], "tr")[1:]
    earlier = {
        find(row, "td")[0].text(): [
            span.text().split(",")[0] for span in find(row, "span", "actas-earlier")
        ]
        for row in rows
    }

    # The demo's BRISA-6: a block later lifted.
    assert any("block" in stances[:-1] for stances in taken.values()), taken
    assert earlier == {
        person: [ES[f"position.{stance}"] for stance in taken.get(person, [])[:-1]]
        for person in earlier
    }


def test_the_tally_counts_people_apart_from_weights(site: Built) -> None:
    tally = record(site)["tally"]
    rows = find(find(article(site), "table", "actas-tally")[0], "tr")[1:]
    cells = {find(r, "th")[0].text(): [td.text() for td in find(r, "td")] for r in rows}
    stances = ("agree", "abstain", "disagree", "block")

    assert cells[ES["archive.tally.people"]] == [
        *(str(tally["counts"].get(s, 0)) for s in stances),
        str(tally["eligible_count"]),
    ]
    assert cells[ES["archive.tally.weight"]] == [
        *(str(tally["weights"].get(s, 0)) for s in stances),
        str(tally["eligible_weight"]),
    ]


def test_a_long_timeline_folds_and_says_how_long_it_is(site: Built) -> None:
    events = record(site)["events"]
    fold = find(article(site), "details", "actas-timeline-fold")[0]

    assert len(events) > 12
    assert find(fold, "summary")[0].text() == f"Ver los {len(events)} eventos"
    assert len(find(find(fold, "ol", "actas-timeline")[0], "li")) == len(events)


def test_participants_are_named_by_role_in_words_that_fit_anyone(site: Built) -> None:
    participants = find(find(article(site), "ul", "actas-participants")[0], "li")
    said = [li.text() for li in participants]
    gendered = [ES[f"role.{role}"] for role in ("consulted", "informed")]

    assert any(line.startswith(ES["archive.participants.informed"] + ": ") for line in said)
    assert not any(f"({word})" in line for line in said for word in gendered)


def test_the_about_page_says_where_the_chain_heads_are_in_a_whole_sentence(site: Built) -> None:
    text = " ".join(find(page(site, "about/index.html"), "article")[0].text().split())

    assert "era: organizaciones" not in text
    assert "en la página de la organización, y el de todas en archive.json." in text


def test_index_pages_without_an_outline_show_no_empty_one(site: Built) -> None:
    listing = page(site, "brisa/decisions/index.html")
    sidebars = find(listing, "div", "md-sidebar--secondary")

    assert sidebars == [] or "hidden" in sidebars[0].attrs


def test_the_markdown_record_holds_the_debate_positions_and_tally(site: Built) -> None:
    decision = record(site)
    markdown = (site.path / "brisa" / "BRISA-6.md").read_text(encoding="utf-8")

    assert markdown.startswith(f"# BRISA-6: {decision['title']}\n")
    for argument in decision["arguments"]:
        assert f"\n### Argumento {argument['number']} · " in markdown
    for position in decision["positions"]:
        assert f"\n| {position['person']} | {ES['position.' + position['stance']]} |" in markdown
    assert f"\n| {ES['archive.tally.people']} | " in markdown
    assert markdown.rstrip().endswith("<http://127.0.0.1:8000/archive/brisa/BRISA-6/>") or (
        "/brisa/BRISA-6/>" in markdown.splitlines()[-1]
    )


async def test_an_outcome_review_past_its_date_reads_as_overdue_from_the_next_build(
    site: Built, demo_slug: str, tmp_path: Path
) -> None:
    due = date.fromisoformat(record(site)["impact"]["by"])  # BRISA-6: accepted, not reviewed
    options = BuildOptions(output=tmp_path, organisations=(demo_slug,), language="es")
    await build_archive(replace(options, today=due - timedelta(days=1)))
    waiting = review_text(tmp_path)
    turned = [
        d["reference"]
        for d in map(orjson.loads, map(Path.read_bytes, (tmp_path / demo_slug).glob("*.json")))
        if d["outcome"] == "accepted" and not d["outcome_review"] and d["impact"]["by"]
        and date.fromisoformat(d["impact"]["by"]) in (due - timedelta(days=1), due)
    ]  # fmt: skip
    after = await build_archive(replace(options, today=due + timedelta(days=1)))
    overdue = review_text(tmp_path)
    again = await build_archive(replace(options, today=due + timedelta(days=2)))

    assert waiting == ES.gettext("review_due", date=due)
    assert overdue == ES.gettext("archive.review_overdue", date=due)
    # Only the pages that turned overdue are read and rendered again, and only once.
    assert after.read == after.changed == len(turned) >= 1
    assert again.read == 0 and review_text(tmp_path) == overdue


def review_text(folder: Path) -> str:
    """What BRISA-6's page says of its outcome review."""
    page = parse((folder / "brisa" / "BRISA-6" / "index.html").read_text(encoding="utf-8"))
    heading = ES["outcome_review"]
    said = [p.text() for p in find(page, "p") if "revis" in p.text() and heading not in p.text()]
    return said[0]
