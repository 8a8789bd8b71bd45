"""What a text is searched by, and the excerpt a hit shows: pure domain rules."""

from __future__ import annotations

from actas.api.domain.text_search import Fragment, excerpt, parse_query, terms
from actas.api.domain.vocabulary import Language


def test_words_are_stemmed_in_the_organisations_language_without_accents() -> None:
    assert terms("Las tiendas abrirán en Semana Santa", Language.ES) == [
        "las",
        "tiend",
        "abriran",
        "en",
        "seman",
        "sant",
    ]
    assert terms("The stores opened", Language.EN) == ["the", "store", "open"]


def test_markdown_emphasis_is_not_part_of_a_word() -> None:
    assert terms("**Riesgo**: _alto_ y `bajo`", Language.ES) == ["riesg", "alto", "y", "baj"]


def test_a_query_word_may_be_found_as_its_stem_in_either_language() -> None:
    query = parse_query("Stores stores tiendas")

    assert query.words == ("stores", "tiendas")
    assert query.alternatives == (frozenset({"store", "stor"}), frozenset({"tiend", "tienda"}))
    assert query.matches(["tiend", "store"]) and not query.matches(["tiend"])


def test_a_query_keeps_its_first_eight_words() -> None:
    assert len(parse_query(" ".join(f"palabra{n}" for n in range(12))).words) == 8


def test_an_excerpt_marks_the_words_found_and_says_where_it_was_cut() -> None:
    text = " ".join(f"w{n}" for n in range(40)) + " las **Tiendas** del norte " + "x " * 40

    fragments = excerpt(text, parse_query("tienda"), Language.ES, length=9)

    assert fragments == [
        Fragment("… w38 w39 las "),
        Fragment("Tiendas", matched=True),
        Fragment(" del norte x x x …"),
    ]


def test_an_excerpt_without_a_match_is_the_start_of_the_text() -> None:
    fragments = excerpt("Uno dos\n\ntres cuatro cinco", parse_query("seis"), Language.ES, length=3)

    assert fragments == [Fragment("Uno dos tres …")]


def test_an_excerpt_of_a_short_text_is_all_of_it() -> None:
    assert excerpt("Precio del envío", parse_query("envio"), Language.ES) == [
        Fragment("Precio del "),
        Fragment("envío", matched=True),
    ]
    assert excerpt("", parse_query("envio"), Language.ES) == []
