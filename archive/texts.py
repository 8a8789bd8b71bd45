"""Every fixed text of the archive, in Spanish and English (a test checks both have every key).

Templates read them as ``t.<key>``; ``{n}``-style fields are filled with ``str.format``. A filled
text is plain text like any other (it may hold a person's name): templates escape it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

LANGUAGES = ("es", "en")

TEXTS: dict[str, dict[str, str]] = {
    "es": {
        "site_name": "Archivo de decisiones",
        "site_description": "Decisiones cerradas: qué se decidió, quién, bajo qué regla y por qué.",
        "home": "Inicio",
        "search": "Buscar",
        "about": "Acerca del archivo",
        "recent": "Decisiones recientes",
        "organisations": "Organizaciones",
        "decisions": "Decisiones",
        "all_decisions": "Todas las decisiones",
        "figures": "Cifras",
        "decisions_count": "Decisiones archivadas",
        "median_time": "Mediana hasta decidir",
        "participation_rate": "Participación",
        "per_month": "Decisiones por mes",
        "month": "Mes",
        "count": "Número",
        "days": "{n} días",
        "none_yet": "Todavía no hay decisiones archivadas.",
        "by_outcome": "Por resultado",
        "by_unit": "Por unidad",
        "by_tag": "Por etiqueta",
        "by_month": "Por mes",
        "outcome": "Resultado",
        "unit": "Unidad",
        "tag": "Etiqueta",
        "page_n": "página {n} de {total}",
        "previous": "Anterior",
        "next": "Siguiente",
        "reference": "Referencia",
        "decided": "Decidida",
        "drafted": "Redactada",
        "opened": "Abierta",
        "closed": "Cerrada",
        "dates": "Fechas",
        "never_opened": "nunca se abrió",
        "decided_by": "Decidió",
        "decided_by_rule": "la propia regla, al vencer el plazo",
        "rule": "Regla",
        "statement": "La decisión",
        "cited": "Argumentos citados como decisivos",
        "cited_one": "citado como decisivo",
        "impact": "Impacto esperado",
        "metric": "Métrica",
        "baseline": "Punto de partida",
        "target": "Objetivo",
        "by": "Para",
        "proposal": "La propuesta",
        "summary": "Resumen",
        "final_text": "Texto final (versión {n})",
        "versions": "Versiones anteriores",
        "version_n": "Versión {n}",
        "change_note": "Motivo del cambio",
        "arguments": "Debate",
        "no_arguments": "Nadie argumentó.",
        "argument_n": "Argumento {n}",
        "reply_to": "responde al {n}",
        "answered_version": "sobre la versión {n}",
        "edited": "editado",
        "positions": "Posiciones",
        "no_positions": "Nadie tomó posición.",
        "person": "Persona",
        "stance": "Postura",
        "reason": "Motivo",
        "tally": "Recuento",
        "eligible": "Con voto: {n} personas, peso {w}",
        "spoke": "Se pronunciaron {n} de {total} ({p})",
        "quorum": "quórum",
        "quorum_reached": "quórum alcanzado",
        "quorum_missed": "sin quórum",
        "weight": "Peso",
        "people": "Personas",
        "participants": "Participantes",
        "links": "Relacionadas",
        "not_in_archive": "aún no archivada",
        "timeline": "Historial",
        "author": "Autoría",
        "tags": "Etiquetas",
        "cite": "Citar esta decisión",
        "cite_markdown": "Markdown",
        "cite_html": "HTML",
        "data": "Datos (JSON)",
        "badge": "Distintivo (SVG)",
        "permalink": "Enlace permanente",
        "search_placeholder": "Buscar en las decisiones",
        "search_empty": "El archivo aún no tiene decisiones que buscar.",
        "search_help": "Busca en títulos, propuestas, decisiones y argumentos.",
        "about_body": (
            "Este archivo publica las decisiones cerradas (aceptadas, rechazadas, abandonadas o "
            "retiradas) que su audiencia puede ver. Cada decisión tiene un enlace permanente, "
            "sus datos en JSON y un distintivo SVG; el canal Atom anuncia las nuevas."
        ),
        "audience": "Audiencia",
        "audience_organisation": "todos los miembros de la organización",
        "audience_public": "el público: solo decisiones marcadas como publicables",
        "chain": "Registro encadenado",
        "chain_body": (
            "Cada cambio queda en un registro encadenado por hashes. Al construir este archivo, "
            "el último evento del registro de cada organización era:"
        ),
        "chain_after": (
            "Si el registro se recortara después, este valor publicado ya no coincidiría con "
            "ninguno de sus eventos."
        ),
        "feed": "Canal Atom",
        "outcome.accepted": "Aceptada",
        "outcome.rejected": "Rechazada",
        "outcome.withdrawn": "Retirada",
        "outcome.abandoned": "Abandonada",
        "outcome.open": "Abierta",
        "outcome.draft": "Borrador",
        "stance.for": "A favor",
        "stance.against": "En contra",
        "stance.question": "Pregunta",
        "stance.comment": "Comentario",
        "position.agree": "De acuerdo",
        "position.abstain": "Abstención",
        "position.disagree": "En desacuerdo",
        "position.block": "Bloqueo",
        "rule.decider": "decide quien decide",
        "rule.consent": "consentimiento",
        "rule.majority": "mayoría",
        "rule.unanimity": "unanimidad",
        "role.decider": "decide",
        "role.required": "voz necesaria",
        "role.consulted": "consultada",
        "role.informed": "informada",
        "link.supersedes": "Sustituye a",
        "link.superseded_by": "Sustituida por",
        "link.related": "Relacionada con",
        "event.proposal.drafted": "redactó la propuesta",
        "event.proposal.updated": "cambió los datos de la propuesta",
        "event.proposal.revised": "publicó la versión {version}",
        "event.proposal.opened": "la abrió al debate",
        "event.proposal.withdrawn": "la retiró",
        "event.proposal.abandoned": "la abandonó",
        "event.proposal.accepted": "la aceptó",
        "event.proposal.rejected": "la rechazó",
        "event.participant.set": "dio a {person} el papel «{role}»",
        "event.participant.removed": "quitó a {person} de los participantes",
        "event.proposal.linked": "la enlazó con {reference}",
        "event.argument.added": "añadió el argumento {argument}",
        "event.argument.edited": "editó el argumento {argument}",
        "event.position.taken": "tomó posición: {stance}",
        "event.proposal.publishable.true": "la marcó como publicable",
        "event.proposal.publishable.false": "retiró la marca de publicable",
        "event.other": "registró «{type}»",
        "someone": "El sistema",
        "months": "ene feb mar abr may jun jul ago sep oct nov dic",
        "date": "{d} {m} {y}",
        "moment": "{d} {m} {y}, {hh}:{mm} UTC",
        "feed_title": "Decisiones cerradas",
        "not_found": "Esta página no existe en el archivo.",
    },
    "en": {
        "site_name": "Decision archive",
        "site_description": (
            "Closed decisions: what was decided, by whom, under which rule, and why."
        ),
        "home": "Home",
        "search": "Search",
        "about": "About the archive",
        "recent": "Recent decisions",
        "organisations": "Organisations",
        "decisions": "Decisions",
        "all_decisions": "All decisions",
        "figures": "Figures",
        "decisions_count": "Archived decisions",
        "median_time": "Median time to decision",
        "participation_rate": "Participation",
        "per_month": "Decisions per month",
        "month": "Month",
        "count": "Count",
        "days": "{n} days",
        "none_yet": "No decisions archived yet.",
        "by_outcome": "By outcome",
        "by_unit": "By unit",
        "by_tag": "By tag",
        "by_month": "By month",
        "outcome": "Outcome",
        "unit": "Unit",
        "tag": "Tag",
        "page_n": "page {n} of {total}",
        "previous": "Previous",
        "next": "Next",
        "reference": "Reference",
        "decided": "Decided",
        "drafted": "Drafted",
        "opened": "Opened",
        "closed": "Closed",
        "dates": "Dates",
        "never_opened": "never opened",
        "decided_by": "Decided by",
        "decided_by_rule": "the rule itself, at the deadline",
        "rule": "Rule",
        "statement": "The decision",
        "cited": "Arguments cited as decisive",
        "cited_one": "cited as decisive",
        "impact": "Expected impact",
        "metric": "Metric",
        "baseline": "Baseline",
        "target": "Target",
        "by": "By",
        "proposal": "The proposal",
        "summary": "Summary",
        "final_text": "Final text (version {n})",
        "versions": "Earlier versions",
        "version_n": "Version {n}",
        "change_note": "Why it changed",
        "arguments": "Debate",
        "no_arguments": "Nobody argued.",
        "argument_n": "Argument {n}",
        "reply_to": "replies to {n}",
        "answered_version": "on version {n}",
        "edited": "edited",
        "positions": "Positions",
        "no_positions": "Nobody took a position.",
        "person": "Person",
        "stance": "Stance",
        "reason": "Reason",
        "tally": "Tally",
        "eligible": "Eligible: {n} people, weight {w}",
        "spoke": "{n} of {total} spoke ({p})",
        "quorum": "quorum",
        "quorum_reached": "quorum reached",
        "quorum_missed": "no quorum",
        "weight": "Weight",
        "people": "People",
        "participants": "Participants",
        "links": "Related",
        "not_in_archive": "not archived yet",
        "timeline": "Timeline",
        "author": "Author",
        "tags": "Tags",
        "cite": "Cite this decision",
        "cite_markdown": "Markdown",
        "cite_html": "HTML",
        "data": "Data (JSON)",
        "badge": "Badge (SVG)",
        "permalink": "Permalink",
        "search_placeholder": "Search the decisions",
        "search_empty": "The archive has no decisions to search yet.",
        "search_help": "Searches titles, proposals, decisions and arguments.",
        "about_body": (
            "This archive publishes the closed decisions (accepted, rejected, abandoned or "
            "withdrawn) its audience may see. Every decision has a permanent link, its data as "
            "JSON and an SVG badge; the Atom feed announces new ones."
        ),
        "audience": "Audience",
        "audience_organisation": "every member of the organisation",
        "audience_public": "the public: only decisions marked publishable",
        "chain": "Hash-chained record",
        "chain_body": (
            "Every change is kept in a hash-chained record. When this archive was built, the "
            "newest event of each organisation's record was:"
        ),
        "chain_after": (
            "Were the record cut short later, this published value would match none of its events."
        ),
        "feed": "Atom feed",
        "outcome.accepted": "Accepted",
        "outcome.rejected": "Rejected",
        "outcome.withdrawn": "Withdrawn",
        "outcome.abandoned": "Abandoned",
        "outcome.open": "Open",
        "outcome.draft": "Draft",
        "stance.for": "For",
        "stance.against": "Against",
        "stance.question": "Question",
        "stance.comment": "Comment",
        "position.agree": "Agree",
        "position.abstain": "Abstain",
        "position.disagree": "Disagree",
        "position.block": "Block",
        "rule.decider": "deciders decide",
        "rule.consent": "consent",
        "rule.majority": "majority",
        "rule.unanimity": "unanimity",
        "role.decider": "decider",
        "role.required": "required",
        "role.consulted": "consulted",
        "role.informed": "informed",
        "link.supersedes": "Supersedes",
        "link.superseded_by": "Superseded by",
        "link.related": "Related to",
        "event.proposal.drafted": "drafted the proposal",
        "event.proposal.updated": "changed the proposal's details",
        "event.proposal.revised": "published version {version}",
        "event.proposal.opened": "opened it for debate",
        "event.proposal.withdrawn": "withdrew it",
        "event.proposal.abandoned": "abandoned it",
        "event.proposal.accepted": "accepted it",
        "event.proposal.rejected": "rejected it",
        "event.participant.set": "gave {person} the role “{role}”",
        "event.participant.removed": "removed {person} from the participants",
        "event.proposal.linked": "linked it to {reference}",
        "event.argument.added": "added argument {argument}",
        "event.argument.edited": "edited argument {argument}",
        "event.position.taken": "took a position: {stance}",
        "event.proposal.publishable.true": "marked it publishable",
        "event.proposal.publishable.false": "unmarked it as publishable",
        "event.other": "recorded “{type}”",
        "someone": "The system",
        "months": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
        "date": "{d} {m} {y}",
        "moment": "{d} {m} {y}, {hh}:{mm} UTC",
        "feed_title": "Closed decisions",
        "not_found": "This page is not in the archive.",
    },
}


class Texts:
    """The fixed texts of one language, read as attributes or items by templates."""

    def __init__(self, language: str) -> None:
        if language not in TEXTS:
            raise ValueError(f"No texts for language {language!r}: use one of {LANGUAGES}.")
        self.language = language
        self._texts: Mapping[str, str] = TEXTS[language]
        self._months = self._texts["months"].split()

    def __getattr__(self, key: str) -> str:
        try:
            return self._texts[key]
        except KeyError:
            raise AttributeError(key) from None

    def __getitem__(self, key: str) -> str:
        return self._texts[key]

    def date(self, value: date) -> str:
        return self._texts["date"].format(
            d=value.day, m=self._months[value.month - 1], y=value.year
        )

    def moment(self, value: datetime) -> str:
        return self._texts["moment"].format(
            d=value.day,
            m=self._months[value.month - 1],
            y=value.year,
            hh=f"{value.hour:02d}",
            mm=f"{value.minute:02d}",
        )

    def month_name(self, value: str) -> str:
        """``2026-05`` as ``may 2026``."""
        year, month = value.split("-")
        return f"{self._months[int(month) - 1]} {year}"
