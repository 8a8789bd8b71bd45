"""Reading a reply by email (issue 10): raw bytes in, the new text, position and reason out.

Each file in ``replies/`` is one client's reply to an actas notification, as it arrives: Gmail,
Outlook (desktop, on the web, for iOS), Apple Mail (iPhone, Mac) and Thunderbird, in Spanish and
English, with quoted history, signatures, attachments, HTML-only bodies and three charsets; and
the robots: vacation responders, Outlook's out-of-office notes and a bounce.
"""

from __future__ import annotations

import email
import email.policy
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from actas.api.domain.replies import Reply, new_text, read_reply, split_position
from actas.api.domain.vocabulary import PositionStance

REPLIES = Path(__file__).parent / "replies"
DOMAIN = "reply.actas.example"
AGREE, DISAGREE = PositionStance.AGREE, PositionStance.DISAGREE
ABSTAIN, BLOCK = PositionStance.ABSTAIN, PositionStance.BLOCK
NOTIFICATION_ES = "notification.0c1d2e3f4a5b@actas.example"
NOTIFICATION_EN = "notification.9e8d7c6b5a4f@actas.example"


def read(fixture: str) -> Reply:
    return read_reply((REPLIES / fixture).read_bytes(), reply_domain=DOMAIN)


def mail(headers: str, body: str = "De acuerdo.\n") -> bytes:
    return f"{headers.strip()}\n\n{body}".encode()


@dataclass(frozen=True)
class Written:
    """What a person wrote, as actas should read it."""

    fixture: str
    sender: str
    key: str
    position: PositionStance | None
    reason: str
    answers: str  # the notification's Message-ID


PEOPLE = [
    Written(  # "-- " signature, closing, wrapped "El … escribió:"
        "gmail_es.eml",
        "ana.perez@brisa.example",
        "4kq7zt2m9xbh",
        AGREE,
        "El piloto es barato de deshacer y los sábados ya llenamos la tienda antes de\n"
        "las 12:00. Propongo medir también el ticket medio, no solo la venta por hora.",
        NOTIFICATION_ES,
    ),
    Written(  # multipart/mixed: a text/plain attachment that must not be read as the body
        "gmail_en.eml",
        "tom.baker@norte.example",
        "d8w2pf6r1nse",
        AGREE,
        "The app already has 60% of loyalty members, so the printed card mostly costs us\n"
        "money. Let's keep a paper fallback at the tills for older customers.\n\n"
        "I attached last year's numbers.",
        NOTIFICATION_EN,
    ),
    Written(  # iso-8859-1 label, Windows-1252 quotes; "De: … Enviado el: …" with no line above
        "outlook_desktop_es.eml",
        "javier.molina@brisa.example",
        "m3zc8v0qy5ka",
        DISAGREE,
        "Abrir los domingos obliga a pagar la hora a “precio de festivo” según el convenio, y el\n"
        "piloto no cubre ese coste. Prefiero ampliar el horario del sábado hasta las 22:00.",
        NOTIFICATION_ES,
    ),
    Written(  # a PDF attached; "Regards," then a signature block with no "-- "
        "outlook_desktop_en.eml",
        "priya.shah@norte.example",
        "x1n5b7t3wq9d",
        DISAGREE,
        "Our own survey says 30% of card holders never installed the app. Dropping the card in"
        " April\nloses them before the app gives them a reason to install it.\n\n"
        "Details in the attached deck.",
        NOTIFICATION_EN,
    ),
    Written(  # base64; the underscore line, then "De: … Enviado: …"
        "outlook_web_es.eml",
        "marta.gil@brisa.example",
        "q6h0d4s8ye2u",
        ABSTAIN,
        "No conozco la tienda de Ruzafa y no quiero pesar en una decisión de horarios que\n"
        "no me toca.",
        NOTIFICATION_ES,
    ),
    Written(  # HTML only: <hr> and divRplyFwdMsg; "Thanks," over the Signature div
        "outlook_web_en.eml",
        "marta.gil@brisa.example",
        "u7c3j9k1mz4r",
        BLOCK,
        "Until the app works offline, the tills in Ruzafa cannot scan it: there is no coverage"
        " behind the counters & the guest Wi\u2011Fi drops every few minutes.\n\n"
        "Please fix that first.",
        NOTIFICATION_EN,
    ),
    Written(  # Windows-1252; "Obtener Outlook para iOS" glued to the underscore line
        "outlook_ios_es.eml",
        "raul.ortega@brisa.example",
        "h2v8n4c6pt0w",
        AGREE,
        "Lo hemos pedido los encargados desde el verano.",
        NOTIFICATION_ES,
    ),
    Written(  # "Enviado desde mi iPhone", then "> El … escribió:"
        "apple_mail_es.eml",
        "lucia.ferrer@brisa.example",
        "7yfm2w5q8rkc",
        BLOCK,
        "Sin los datos del piloto de Alicante no podemos decidir: allí se abrió en\n"
        "domingo y se cerró a los dos meses.",
        NOTIFICATION_ES,
    ),
    Written(  # no position: the whole text is the reason, her name included
        "apple_mail_en.eml",
        "elena.ruiz@norte.example",
        "b5t1x9e3nw7g",
        None,
        "I'd rather wait for the survey before deciding. Could we see the numbers from the\n"
        "pilot stores first?\n\nElena",
        NOTIFICATION_EN,
    ),
    Written(  # format=flowed, "-- " signature above "On … wrote:"
        "thunderbird_en.eml",
        "luis.gomez@brisa.example",
        "c9r4k7w2fb6j",
        AGREE,
        "Printing the cards costs us more than the app's whole yearly budget. The paper\n"
        "fallback Tom suggests is cheap enough to keep.",
        NOTIFICATION_EN,
    ),
    Written(  # HTML only; "De acuerdo con Ana en que…" is a sentence, not a position
        "thunderbird_es.eml",
        "luis.gomez@brisa.example",
        "p0g6m3x8va1e",
        None,
        "De acuerdo con Ana en que el piloto es barato, pero pediría que se mida también el"
        " domingo siguiente a fin de mes, que es cuando más se nota.\n\n"
        "¿Podemos revisar los números en la reunión del día 20?",
        NOTIFICATION_ES,
    ),
]
BOTH_PARTS = [
    "gmail_es.eml",
    "gmail_en.eml",
    "outlook_desktop_es.eml",
    "outlook_desktop_en.eml",
    "outlook_web_es.eml",
    "apple_mail_es.eml",
]


@pytest.mark.parametrize("written", PEOPLE, ids=lambda written: written.fixture)
def test_a_persons_reply_gives_their_position_and_reason_without_history_or_signature(
    written: Written,
) -> None:
    reply = read(written.fixture)
    assert (reply.position, reply.reason) == (written.position, written.reason)
    assert reply.auto_reply is None


@pytest.mark.parametrize("written", PEOPLE, ids=lambda written: written.fixture)
def test_the_text_is_the_position_line_over_the_reason(written: Written) -> None:
    reply = read(written.fixture)
    if written.position is None:
        assert reply.text == written.reason
    else:
        first_line, rest = reply.text.split("\n", 1)
        assert split_position(first_line)[0] is written.position
        assert rest.strip() == written.reason


@pytest.mark.parametrize("written", PEOPLE, ids=lambda written: written.fixture)
def test_a_reply_names_its_sender_its_key_and_the_notification_it_answers(
    written: Written,
) -> None:
    reply = read(written.fixture)
    assert reply.sender == written.sender
    assert reply.keys == (written.key,)
    assert reply.in_reply_to[0] == written.answers
    assert reply.message_id and "<" not in reply.message_id


@pytest.mark.parametrize("fixture", BOTH_PARTS)
def test_the_html_part_alone_reads_as_the_same_text(fixture: str) -> None:
    message = email.message_from_bytes(
        (REPLIES / fixture).read_bytes(), policy=email.policy.default
    )
    for part in message.walk():
        if part.get_content_type() == "multipart/alternative":
            part.set_payload([p for p in part.iter_parts() if p.get_content_subtype() == "html"])
    html_only = read_reply(message.as_bytes(), reply_domain=DOMAIN)
    assert html_only.position is read(fixture).position
    # The plain part is wrapped at ~76 columns, the HTML is not: compare the words.
    assert html_only.text.split() == read(fixture).text.split()


# --- robots --------------------------------------------------------------------------------------

AUTOMATIC = [
    ("auto_submitted_es.eml", "Auto-Submitted: auto-replied"),  # Gmail's vacation responder
    ("x_autoreply_en.eml", "X-Autoreply: yes"),
    (
        "respuesta_automatica_es.eml",  # Exchange, with nothing but the subject to tell
        "Subject: Respuesta automática: [BRISA-12] Abrir los domingos en la tienda de Ruzafa",
    ),
    (
        "outlook_oof_en.eml",
        "Subject: Automatic reply: [BRISA-14] Replace the paper loyalty card with the app",
    ),
    ("bounce.eml", "Return-Path: <>"),
]


@pytest.mark.parametrize(("fixture", "why"), AUTOMATIC, ids=[case[0] for case in AUTOMATIC])
def test_automatic_mail_says_why_and_still_names_the_key(fixture: str, why: str) -> None:
    reply = read(fixture)
    assert reply.auto_reply == why
    assert len(reply.keys) == 1


@pytest.mark.parametrize(
    "header",
    [
        "Auto-Submitted: auto-generated",
        "Auto-Submitted: Auto-Notified; owner-email=x@y",
        "X-Autorespond: Out of office",
        "Precedence: bulk",
        "Precedence: junk",
        "Precedence: list",
        "Precedence: auto_reply",
        "Subject: Out of Office: BRISA-12",
        "Subject: Fuera de la oficina",
        "Subject: RESPUESTA AUTOMATICA: BRISA-12",
        "Subject: Autoreply: BRISA-12",
        "Return-Path: <>",
    ],
)
def test_each_sign_of_a_robot_is_given_as_the_header_that_told(header: str) -> None:
    raw = mail(f"From: ana@brisa.example\nTo: reply+k@{DOMAIN}\n{header}")
    assert read_reply(raw, reply_domain=DOMAIN).auto_reply == header


@pytest.mark.parametrize(
    "header",
    [
        "Auto-Submitted: no",
        "X-Auto-Response-Suppress: All",  # Outlook asks robots not to answer; it is none itself
        "Precedence: first-class",
        "Subject: Re: Out of office rota for August",  # only a subject that starts so
        "Subject: Re: [BRISA-12] Abrir los domingos",
        "Return-Path: <ana@brisa.example>",
    ],
)
def test_a_person_is_not_taken_for_a_robot(header: str) -> None:
    raw = mail(f"From: ana@brisa.example\nTo: reply+k@{DOMAIN}\n{header}")
    assert read_reply(raw, reply_domain=DOMAIN).auto_reply is None


def test_a_read_or_delivery_report_is_automatic() -> None:
    raw = mail(
        "From: ana@brisa.example\nContent-Type: multipart/report; report-type=disposition-"
        'notification; boundary="b"',
        "--b\nContent-Type: text/plain\n\nLeído.\n--b--\n",
    )
    assert read_reply(raw, reply_domain=DOMAIN).auto_reply == "Content-Type: multipart/report"


# --- keys, ids, sender ---------------------------------------------------------------------------


def test_keys_come_from_every_recipient_header_once_and_only_for_the_reply_domain() -> None:
    raw = mail(
        f"""
From: reply+not-a-recipient@{DOMAIN}
To: actas <reply+a1@{DOMAIN}>, Ana <ana@brisa.example>, reply+elsewhere@other.example
Cc: "actas" <REPLY+B2@Reply.Actas.Example.>, reply@{DOMAIN}, reply+@{DOMAIN}
Delivered-To: reply+a1@{DOMAIN}
X-Original-To: reply+c3@{DOMAIN}
Envelope-To: reply+d4@{DOMAIN}, reply+a1@{DOMAIN}
"""
    )
    assert read_reply(raw, reply_domain=DOMAIN.upper()).keys == ("a1", "B2", "c3", "d4")


def test_message_ids_lose_their_brackets_and_keep_their_case() -> None:
    raw = mail(
        "From: ana@brisa.example\nMessage-ID:\n <CAH9=Ab@mail.gmail.com>\n"
        "In-Reply-To: <n1@actas.example>\nReferences: <t@actas.example>\n <n1@actas.example>"
    )
    reply = read_reply(raw, reply_domain=DOMAIN)
    assert reply.message_id == "CAH9=Ab@mail.gmail.com"
    assert reply.in_reply_to == ("n1@actas.example", "t@actas.example")


def test_without_a_message_id_the_same_mail_delivered_twice_gets_one_id() -> None:
    first = mail(f"Received: from a\nDelivered-To: reply+k@{DOMAIN}\nFrom: ana@brisa.example")
    again = mail("Received: from b\nReturn-Path: <ana@brisa.example>\nFrom: ana@brisa.example")
    other = mail("From: ana@brisa.example", "En contra.\n")
    ids = [read_reply(raw, reply_domain=DOMAIN).message_id for raw in (first, again, other)]
    assert ids[0] == ids[1] != ids[2]
    assert ids[0].endswith("@actas.invalid")


@pytest.mark.parametrize(
    ("header", "sender"),
    [
        ("From: =?utf-8?Q?Luc=C3=ADa?= <Lucia.Ferrer@Brisa.Example>", "lucia.ferrer@brisa.example"),
        ("From: luis@brisa.example (Luis)", "luis@brisa.example"),
        ("From: undisclosed-recipients:;", ""),
        ("From: <<<@@>>>", ""),
        ("Subject: no From at all", ""),
    ],
)
def test_the_sender_is_the_from_address_lower_cased_or_empty(header: str, sender: str) -> None:
    assert read_reply(mail(header), reply_domain=DOMAIN).sender == sender


# --- bodies and charsets -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "body", "text"),
    [
        ("text/plain; charset=iso-8859-1", "Opci\xf3n \x93B\x94".encode("latin-1"), "Opción “B”"),
        ("text/plain; charset=windows-1252", b"Caf\xe9 \x85", "Café …"),
        ("text/plain", "Año".encode(), "Año"),  # unlabelled 8-bit UTF-8
        ("text/plain", b"A\xf1o", "Año"),  # unlabelled 8-bit Latin-1
        ("text/plain; charset=x-no-such-charset", "Año".encode(), "Año"),
        ("text/html; charset=utf-8", "<p>Sí &amp; no</p><style>p{}</style>".encode(), "Sí & no"),
    ],
)
def test_charsets(content_type: str, body: bytes, text: str) -> None:
    raw = f"From: ana@brisa.example\nContent-Type: {content_type}\n\n".encode() + body
    assert read_reply(raw, reply_domain=DOMAIN).text == text


def test_a_message_with_no_text_at_all_reads_as_empty() -> None:
    raw = mail(
        "From: ana@brisa.example\nContent-Type: image/png\nContent-Transfer-Encoding: base64",
        "iVBORw0KGgo=\n",
    )
    reply = read_reply(raw, reply_domain=DOMAIN)
    assert (reply.text, reply.position, reply.reason) == ("", None, "")


# --- the new text --------------------------------------------------------------------------------


def test_a_bottom_posters_text_is_the_text_below_the_quote() -> None:
    body = (
        "On Mon, 3 Mar 2025, actas wrote:\n> Carlos propone…\n> Responde…\n\nEn contra.\n\nCaro.\n"
    )
    assert new_text(body) == "En contra.\n\nCaro."


def test_a_bottom_posters_long_text_is_kept_whole() -> None:
    body = "On Mon, 3 Mar 2025, actas wrote:\n" + "> Carlos propone…\n" * 10 + "\nSí\n\n"
    assert new_text(body + "Una línea.\n" * 500).count("Una línea.") == 500


def test_a_long_reply_reads_in_bounded_time() -> None:
    # Lines that look like headers are quotequail's slow case: 2,000 of them took 10 s unbounded.
    notes = "Nota: a las 12:00 la tienda ya está llena.\n" * 2000
    raw = mail("From: ana@brisa.example", f"De acuerdo.\n\n{notes}\nEl lun, actas escribió:\n> x\n")
    started = time.perf_counter()
    reply = read_reply(raw, reply_domain=DOMAIN)
    assert time.perf_counter() - started < 3
    assert reply.position is AGREE and reply.reason.startswith("Nota: a las 12:00")


def test_closings_are_cut_only_at_the_end_and_only_alone_on_their_line() -> None:
    body = (
        "De acuerdo.\n\nGracias, Ana, por los datos: convencen.\n\n- primero Ruzafa\n"
        "- luego el centro\n\nBest,\nTom\n"
    )
    assert new_text(body) == (
        "De acuerdo.\n\nGracias, Ana, por los datos: convencen.\n\n- primero Ruzafa\n"
        "- luego el centro"
    )
    assert new_text("Gracias\n") == "Gracias"  # the closing is the message


def test_a_dash_line_inside_the_text_is_no_signature_but_the_rfc_3676_one_is() -> None:
    assert new_text("Sí\n\n--- plan ---\nabrir\n-- \nAna\n") == "Sí\n\n--- plan ---\nabrir"


# --- the position --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "position"),
    [
        *((line, AGREE) for line in ["De acuerdo.", "DE ACUERDO!", "¡De acuerdo!", "*De acuerdo*"]),
        *((line, AGREE) for line in ["A favor", "Agree", "I agree.", "+1", "Sí", "si", "Yes!"]),
        *((line, DISAGREE) for line in ["En contra", "En desacuerdo.", "Disagree", "Against"]),
        *((line, DISAGREE) for line in ["No.", "NO"]),
        *((line, ABSTAIN) for line in ["Me abstengo", "Abstención", "abstencion.", "Abstain"]),
        *((line, ABSTAIN) for line in ["I abstain…", "  Me  abstengo  "]),
        *((line, BLOCK) for line in ["Bloqueo", "Bloquear", "Block.", "I block", "VETO!"]),
        *((line, None) for line in ["De acuerdo con Ana en que…", "De acuerdo, pero no ahora"]),
        *((line, None) for line in ["No sé", "Yes, but only in Ruzafa", "+1 for Ruzafa"]),
        *((line, None) for line in ["Sí, claro", "Agreed", "Not against", ""]),
    ],
)
def test_a_position_is_a_first_line_that_is_only_the_phrase(
    line: str, position: PositionStance | None
) -> None:
    assert split_position(f"{line}\n\nPorque sí.")[0] is position


def test_the_reason_is_the_text_without_the_position_line() -> None:
    assert split_position("\n\nBloqueo.\n\nSin datos.\nNinguno.") == (BLOCK, "Sin datos.\nNinguno.")
    assert split_position("Creo que sí.\n\nDe acuerdo.") == (None, "Creo que sí.\n\nDe acuerdo.")
    assert split_position("+1") == (AGREE, "")


# --- any bytes at all ----------------------------------------------------------------------------


def assert_storable(reply: Reply) -> None:
    """Every string can be stored and looked up as it is: no control characters, no NUL."""
    assert all(s.isprintable() for s in (reply.sender, reply.message_id, *reply.keys))
    assert all(s.isprintable() for s in reply.in_reply_to)
    text = reply.text + reply.reason
    assert all(c in "\n\t" or unicodedata.category(c) not in ("Cc", "Cs") for c in text)


@given(st.binary(max_size=3000))
def test_any_bytes_read_as_a_reply(raw: bytes) -> None:
    assert_storable(read_reply(raw, reply_domain=DOMAIN))


@given(st.lists(st.sampled_from([b"From: ", b"To: reply+", b"@", b"<", b">", b"\x00", b"\xff"])))
def test_header_shaped_garbage_reads_as_a_reply(pieces: list[bytes]) -> None:
    header = b"".join(pieces)
    raw = header + b"\nMessage-ID: " + header + b"\nReferences: " + header + b"\n\nDe acuerdo.\n"
    assert_storable(read_reply(raw, reply_domain=DOMAIN))


@given(st.sampled_from(sorted(p.name for p in REPLIES.glob("*.eml"))), st.data())
def test_a_cut_or_garbled_real_reply_still_reads(fixture: str, data: st.DataObject) -> None:
    raw = bytearray((REPLIES / fixture).read_bytes())
    cut = data.draw(st.integers(0, len(raw)))
    for _ in range(data.draw(st.integers(0, 8))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    assert_storable(read_reply(bytes(raw[:cut]), reply_domain=DOMAIN))
