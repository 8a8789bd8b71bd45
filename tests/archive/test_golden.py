"""The rendered output of fixed decisions, compared with committed golden files.

Regenerate after an intended change with
``ACTAS_UPDATE_GOLDEN=1 pytest tests/archive/test_golden.py`` and review the diff like any other
(refused when ``CI`` is set).
"""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from actas.api.catalogue import Message, Percent
from actas.archive import data
from actas.archive.render import Renderer
from actas.archive.themes import themes

GOLDEN = Path(__file__).with_name("golden")
T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def decision() -> data.Decision:
    """A decision with a threaded debate, revisions, links, follow-through and every kind of
    text."""
    arguments = (
        data.Argument(
            1,
            None,
            0,
            "for",
            "Diego Navarro",
            at(3),
            False,
            1,
            "El test A/B de **cuatro semanas** basta: [datos](https://example.org/d).",
            True,
        ),
        data.Argument(
            2,
            1,
            1,
            "question",
            "Marta Sáez",
            at(5),
            True,
            1,
            "¿Y en rebajas?\n\n- tráfico x3\n- conversión distinta",
            False,
        ),
        data.Argument(
            3,
            2,
            2,
            "comment",
            "Diego Navarro",
            at(6),
            False,
            2,
            "Se excluyen las semanas de rebajas (versión 2).",
            False,
        ),
        data.Argument(
            4,
            None,
            0,
            "against",
            "Raúl Ortega",
            at(8),
            False,
            2,
            "# Riesgo\nLas tiendas <b>pierden</b> visibilidad.",
            True,
        ),
    )
    return data.Decision(
        organisation="brisa",
        reference="BRISA-42",
        number=42,
        title="Probar el pago con Bizum en el checkout <beta>",
        summary="Un test A/B de cuatro semanas con Bizum como método de pago.",
        body=(
            "Los clientes lo piden en la encuesta de abandono.\n\n"
            "| semana | grupo |\n|---|---|\n| 1 | A |"
        ),
        outcome="accepted",
        unit="E-commerce",
        unit_slug="e-commerce",
        tags=("ab-test", "checkout"),
        author="Marta Sáez",
        drafted_at=T0,
        opened_at=at(2),
        decided_at=at(24 * 9),
        decided_by="Lucía Ferrer",
        rule="majority",
        threshold=0.6,
        quorum=0.5,
        statement="Aceptada: el riesgo del argumento 4 se cubre excluyendo las rebajas.",
        impact=data.Impact("Conversión del checkout", "2,1 %", "2,4 %", date(2026, 6, 1)),
        tally=data.Tally(
            eligible_count=4,
            eligible_weight=7,
            participated_weight=6,
            weights={"agree": 5, "abstain": 0, "disagree": 1, "block": 0},
            counts={"agree": 3, "abstain": 0, "disagree": 1, "block": 0},
            quorum_reached=True,
            agree_share=0.833333,
            verdict="accepted",
            reason=Message(
                "tally.majority.share", {"share": Percent(0.83), "needed": Percent(0.6)}
            ).as_data(),
            spoke=3,
        ),
        participants=(
            data.Participant("Lucía Ferrer", "decider"),
            data.Participant("Raúl Ortega", "consulted"),
        ),
        versions=(
            data.Version(
                1,
                "Probar Bizum",
                "Primera idea.",
                "Texto *inicial*.",
                "First draft.",
                "Marta Sáez",
                T0,
            ),
            data.Version(
                2,
                "Probar el pago con Bizum en el checkout <beta>",
                "Un test A/B…",
                "Los clientes lo piden.",
                "Excluir rebajas.",
                "Marta Sáez",
                at(5.5),
            ),
        ),
        arguments=arguments,
        positions=(
            data.Position("Lucía Ferrer", "agree", "", 2, at(30)),
            data.Position("Raúl Ortega", "disagree", "Las tiendas <pierden>.", 2, at(31)),
            data.Position(
                "Diego Navarro", "agree", "Con rebajas fuera", 2, at(33), "delegate", "Marta Sáez"
            ),
            data.Position(
                "Ana Ruiz",
                "agree",
                "",
                2,
                at(34),
                "proxy",
                "Lucía Ferrer",
                "Lo dijo en el comité <del 9>",
            ),
        ),
        links=(
            data.Link("supersedes", "BRISA-7", "Bizum solo en tienda", "rejected", True),
            data.Link("related", "BRISA-50", "Apple Pay", "open", False),
        ),
        follow_ups=(
            data.FollowUp(
                "Medir la conversión <semanal>",
                "Diego Navarro",
                date(2026, 4, 1),
                "done",
                "Medido cada lunes.\n<b>Sin</b> rebajas.",
            ),
            data.FollowUp("Avisar a las tiendas", "Raúl Ortega", date(2026, 4, 15), "dropped", "x"),
            data.FollowUp("Informe final", "Marta Sáez", date(2026, 6, 1), "open", ""),
        ),
        outcome_review=data.OutcomeReview(
            "2,5 % <medido>",
            "partly",
            "Subió, pero <i>solo</i> en móvil.\nEn escritorio, igual.",
            "Marta Sáez",
            at(24 * 92),
        ),
        events=(
            data.Event(T0, "proposal.drafted", "Marta Sáez"),
            data.Event(at(2), "proposal.opened", "Marta Sáez"),
            data.Event(at(3), "argument.added", "Diego Navarro", {"argument": 1}),
            data.Event(at(5.5), "proposal.revised", "Marta Sáez", {"version": 2, "note": "x"}),
            data.Event(
                at(6),
                "participant.set",
                "Marta Sáez",
                {"person": "Raúl Ortega", "role": "consulted"},
            ),
            data.Event(at(30), "position.taken", "Lucía Ferrer", {"stance": "agree"}),
            data.Event(
                at(32),
                "position.taken",
                "Marta Sáez",
                {"stance": "block", "person": "Diego Navarro", "cast_by": "delegate"},
            ),
            data.Event(
                at(33),
                "position.taken",
                "Marta Sáez",
                {"stance": "agree", "person": "Diego Navarro", "cast_by": "delegate"},
            ),
            data.Event(
                at(34),
                "position.taken",
                "Lucía Ferrer",
                {
                    "stance": "agree",
                    "person": "Ana Ruiz",
                    "cast_by": "proxy",
                    "note": "Lo dijo en el comité <del 9>",
                },
            ),
            data.Event(at(200), "proposal.deadline_passed", None),
            data.Event(at(216), "proposal.accepted", "Lucía Ferrer"),
            data.Event(at(217), "proposal.publishable", "Lucía Ferrer", {"publishable": True}),
            data.Event(
                at(218),
                "follow_up.added",
                "Marta Sáez",
                {
                    "title": "Medir la conversión <semanal>",
                    "owner": "Diego Navarro",
                    "due": "2026-04-01",
                },
            ),
            data.Event(
                at(600),
                "follow_up.updated",
                "Diego Navarro",
                {
                    "title": "Medir la conversión <semanal>",
                    "changed": ["status"],
                    "status": "done",
                    "owner": "Diego Navarro",
                    "due": "2026-04-01",
                },
            ),
            data.Event(
                at(610),
                "follow_up.updated",
                "Marta Sáez",
                {
                    "title": "Avisar a las tiendas",
                    "changed": ["owner", "due"],
                    "status": "open",
                    "owner": "Raúl Ortega",
                    "due": "2026-04-15",
                },
            ),
            data.Event(
                at(24 * 92),
                "outcome.recorded",
                "Marta Sáez",
                {"verdict": "partly", "observed": "2,5 % <medido>"},
            ),
            data.Event(at(24 * 93), "proposal.unknown_kind", None),
        ),
        keyphrases=(
            data.Keyphrase("pag bizum", "pago con Bizum"),
            data.Keyphrase("test cuatr seman", "test A/B de cuatro semanas"),
            data.Keyphrase("checkout", "checkout"),
        ),
    )


def organisation_summaries() -> list[data.Summary]:
    """Five decisions of one organisation, newest first: a theme of four (two rejected or
    abandoned: a recurring problem, decided across three months with one empty between), one of
    two, and phrases held once (no theme)."""
    held = {
        40: ("accepted", 0, ["pago con Bizum", "checkout <rápido>"]),
        41: ("rejected", 31, ["pagos con Bizum", "checkout <rápido>"]),
        42: ("abandoned", 33, ["pago con Bizum", "tiendas"]),
        43: ("accepted", 95, ["Pago con Bizum", "devoluciones"]),
        44: ("withdrawn", 96, ["plazos"]),
    }
    summaries = []
    for number, (outcome, days, phrases) in held.items():
        keyphrases = tuple(
            data.Keyphrase(" ".join(word[:4].lower() for word in p.split()), p) for p in phrases
        )
        summaries.append(
            data.Summary.of(
                replace(
                    decision(),
                    number=number,
                    reference=f"BRISA-{number}",
                    title=f"Decisión {number} <b>",
                    outcome=outcome,
                    decided_at=T0 + timedelta(days=days),
                    keyphrases=keyphrases,
                )
            )
        )
    return sorted(summaries, key=lambda s: -s.decided_at.timestamp())


def organisation_page(language: str) -> str:
    organisation = data.Organisation("brisa", "Almacenes <Brisa>", language, (), None)
    summaries = organisation_summaries()
    return renderer(language).organisation(organisation, summaries, themes(summaries)).content


def renderer(language: str) -> Renderer:
    return Renderer(
        language=language,
        audience="organisation",
        site_url="https://archivo.example/",
        today=date(2026, 6, 10),
    )


CASES = {
    "decision.es.html": lambda: renderer("es").decision(decision()).content,
    "decision.en.html": lambda: renderer("en").decision(decision()).content,
    "decision.json": lambda: decision().to_json().decode(),
    "decision.es.md": lambda: renderer("es").decision_markdown(decision()),
    "decision.en.md": lambda: renderer("en").decision_markdown(decision()),
    "decision.search.html": lambda: renderer("es").search_document(decision()),
    "decision.svg": lambda: renderer("en").badge(decision()),
    "organisation.es.html": lambda: organisation_page("es"),
    "organisation.en.html": lambda: organisation_page("en"),
    "feed.xml": lambda: renderer("es").feed(
        [data.Summary.of(decision())], {"brisa": "Almacenes <Brisa> & Co"}
    ),
}


def updating_golden_files() -> bool:
    """``ACTAS_UPDATE_GOLDEN`` rewrites the golden files, except in CI: there a changed output
    must fail, never become the new expectation unreviewed."""
    if not os.environ.get("ACTAS_UPDATE_GOLDEN"):
        return False
    if os.environ.get("CI"):
        pytest.fail(
            "ACTAS_UPDATE_GOLDEN is refused when CI is set: regenerate the golden files "
            "locally and commit them after review.",
            pytrace=False,
        )
    return True


@pytest.mark.parametrize("name", sorted(CASES))
def test_rendered_output_matches_its_golden_file(name: str) -> None:
    rendered = CASES[name]()
    golden = GOLDEN / name
    if updating_golden_files():
        golden.write_text(rendered, encoding="utf-8")
    assert golden.exists(), f"No golden file {name}: run with ACTAS_UPDATE_GOLDEN=1"
    assert rendered == golden.read_text(encoding="utf-8")


def test_a_decision_read_back_from_its_json_is_the_same_decision() -> None:
    # Worker processes are sent decisions as their JSON.
    assert data.Decision.from_json(decision().to_json()) == decision()


def test_the_page_outline_lists_the_sections_the_decision_has() -> None:
    page = renderer("en").decision(decision())
    assert page.path == "brisa/BRISA-42/index.html"
    assert page.title == "BRISA-42: Probar el pago con Bizum en el checkout <beta>"
    assert [anchor for anchor, _ in page.toc] == [
        "decision",
        "follow-through",
        "proposal",
        "versions",
        "debate",
        "positions",
        "links",
        "timeline",
        "cite",
    ]
    for anchor in ("argument-1", "argument-2", "argument-3", "argument-4"):
        assert f'id="{anchor}"' in page.content
