"""Reading a reply by email: the raw RFC 5322 bytes in, what actas needs out (pure, no database).

``read_reply(raw, reply_domain=...)`` never raises on odd mail: what it cannot read is empty.

- **message_id**: the first ``<id>`` of Message-ID, without brackets (case kept: RFC 5322 ids are
  case-sensitive). Without one, ``<sha256>@actas.invalid`` from the headers and body less the trace
  headers the route adds (Received, Return-Path, Delivered-To, …), so a redelivery hashes the same.
- **sender**: the first From address, lower-cased; "" if there is none.
- **keys**: every ``<key>`` of ``reply+<key>@<reply_domain>`` in To, Cc, Delivered-To,
  X-Original-To and Envelope-To, in that order, once each; the domain and the ``reply+`` prefix
  are compared case-insensitively, the key is kept as written.
- **in_reply_to**: the ids of In-Reply-To, then those of References, once each.
- **auto_reply**: the first sign that no person wrote it, as ``"Header: value"``: Return-Path
  ``<>`` (a bounce), a multipart/report (delivery or read reports), Auto-Submitted other than
  ``no``, X-Autoreply or X-Autorespond (other than ``no``), Precedence bulk/junk/auto_reply/list,
  or a Subject that *starts* with "Respuesta automática", "Fuera de la oficina", "Automatic reply",
  "Out of office" or "Autoreply" (case and accents ignored). X-Auto-Response-Suppress is not a
  sign: Outlook asks other robots not to answer, it is no robot itself.
- **text**: text/plain when there is one, else text/html read as text; attachments are ignored.
  quotequail cuts the quoted history (Gmail, Apple Mail and Thunderbird "On … wrote:" / "El …
  escribió:", Outlook's "From:/De: … Sent:/Enviado:" block and underscore line, ``>`` quotes);
  when the person wrote below the quote, that text is kept instead. Then three rules of ours, as
  quotequail has none for signatures: everything from a ``--`` line (RFC 3676's "-- "), from a
  "Sent from my …" / "Enviado desde mi …" / "Get Outlook for …" / "Obtener Outlook para …" line,
  and from a closing alone on its line ("Un saludo,", "Regards,", …) that is followed by at most
  four short lines (a name, a title) and ends the text. Line breaks are kept as sent.
- **position**: the first non-empty line of the text, when it is *only* one of the phrases below
  (case and accents ignored; ``¡``/``¿`` before, ``.``, ``!``, ``?``, ``,``, ``;``, ``:``, ``…``
  after, and ``*``/``_`` around, as Gmail writes bold, are dropped): "De acuerdo." is a position,
  "De acuerdo con Ana en que…" is not.

  - agree: de acuerdo, a favor, agree, i agree, +1, sí, si, yes
  - disagree: en contra, en desacuerdo, disagree, against, no
  - abstain: me abstengo, abstención, abstain, i abstain
  - block: bloqueo, bloquear, block, i block, veto
- **reason**: the text without the position line (the whole text when there is no position).

Known limits: quotes are looked for in the first 300 lines (quotequail's time grows fast with
lines), so a reply under a longer quote reads as empty; two header-like lines of the person's own
("Para: todos" over "Fecha: lunes") read as Outlook's quoted headers and cut the rest; answers
written between quoted lines are lost after the first quote.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage, Message
from email.utils import getaddresses

import quotequail  # type: ignore[import-untyped]
from inscriptis import get_text as html_as_text  # type: ignore[import-untyped]

from actas.api.domain.addresses import canonical_host
from actas.api.domain.vocabulary import PositionStance


@dataclass(frozen=True)
class Reply:
    message_id: str
    sender: str
    keys: tuple[str, ...]
    in_reply_to: tuple[str, ...]
    auto_reply: str | None
    text: str
    position: PositionStance | None
    reason: str
    subject: str = ""  # an automatic reply's may give the return date
    out_of_office: bool = False  # a vacation responder's, not a receipt's nor a list's


def read_reply(raw: bytes, *, reply_domain: str) -> Reply:
    """What actas needs from one inbound email's raw bytes."""
    message = message_from_bytes(raw, policy=policy.default)
    text = new_text(_body_text(message))
    position, reason = split_position(text)
    return Reply(
        message_id=_message_id(message, raw),
        sender=_sender(message),
        keys=_reply_keys(message, reply_domain),
        in_reply_to=_unique([*_ids(message, "In-Reply-To"), *_ids(message, "References")]),
        auto_reply=_why_automatic(message),
        text=text,
        position=position,
        reason=reason,
        subject=str(message.get("Subject", ""))[:500],
        out_of_office=_out_of_office(message),
    )


# --- headers -------------------------------------------------------------------------------------

_KEY_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")
_TRACE_HEADERS = frozenset(
    {"received", "return-path", "delivered-to", "x-original-to", "envelope-to", "dkim-signature"}
    | {"arc-seal", "arc-message-signature", "arc-authentication-results"}
    | {"authentication-results", "received-spf", "x-spam-status", "x-spam-score"}
)
_MESSAGE_ID = re.compile(r"<([^<>\s]+)>")


def _header_values(message: Message, name: str) -> list[str]:
    """A header as the policy parsed it: encoded words decoded, folding undone."""
    return [str(value) for value in message.get_all(name, [])]


def _raw_values(message: Message, name: str) -> list[str]:
    """A header as sent, unfolded: the parsed form drops every address it finds invalid."""
    wanted = name.lower()
    return [_unfolded(str(value)) for n, value in message.raw_items() if n.lower() == wanted]


def _unfolded(raw: str) -> str:
    # The parser keeps 8-bit header bytes as surrogates; UTF-8 is what SMTPUTF8 mail sends.
    text = raw.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return " ".join(text.split())


def _ids(message: Message, name: str) -> list[str]:
    found: list[str] = []
    for value in _raw_values(message, name):
        bare = value.strip()
        found += _MESSAGE_ID.findall(value) or ([bare] if "@" in bare and " " not in bare else [])
    # Control characters have no place in an id (and PostgreSQL refuses NUL in text).
    return [found_id for found_id in found if found_id.isprintable()]


def _message_id(message: Message, raw: bytes) -> str:
    ids = _ids(message, "Message-ID")
    return ids[0] if ids else _synthetic_message_id(message, raw)


def _synthetic_message_id(message: Message, raw: bytes) -> str:
    digest = hashlib.sha256()
    for name, value in message.raw_items():
        if name.lower() not in _TRACE_HEADERS:
            line = f"{name.lower()}:{' '.join(str(value).split())}\n"
            digest.update(line.encode("utf-8", "surrogateescape"))
    digest.update(raw.replace(b"\r\n", b"\n").partition(b"\n\n")[2])
    return f"{digest.hexdigest()[:32]}@actas.invalid"


def _addresses(message: Message, name: str) -> list[str]:
    pairs = getaddresses(_raw_values(message, name))
    return [address for _, address in pairs if address and address.isprintable()]


def _sender(message: Message) -> str:
    senders = [address for address in _addresses(message, "From") if "@" in address]
    return senders[0].lower() if senders else ""


def _reply_keys(message: Message, reply_domain: str) -> tuple[str, ...]:
    domain = canonical_host(reply_domain)
    keys: list[str] = []
    for name in _KEY_HEADERS:
        for address in _addresses(message, name):
            local, _, address_domain = address.rpartition("@")
            if canonical_host(address_domain) != domain:
                continue
            if local[:6].lower() == "reply+" and local[6:]:
                keys.append(local[6:])
    return _unique(keys)


def _unique(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


# --- automatic mail ------------------------------------------------------------------------------

_BULK_PRECEDENCE = frozenset({"bulk", "junk", "auto_reply", "list"})
_AUTOMATIC_SUBJECT = re.compile(
    r"(respuesta automatica|fuera de (la )?oficina|automatic reply|out of (the )?office"
    r"|auto[- ]?reply)"
)


def _why_automatic(message: Message) -> str | None:
    if any(value.strip() == "<>" for value in _header_values(message, "Return-Path")):
        return "Return-Path: <>"
    if message.get_content_type() == "multipart/report":
        return "Content-Type: multipart/report"
    for name in ("Auto-Submitted", "X-Autoreply", "X-Autorespond", "Precedence", "Subject"):
        for value in _header_values(message, name):
            if _is_sign(name, value):
                return f"{name}: {value.strip()}"
    return None


def _out_of_office(message: Message) -> bool:
    """Whether a person's mailbox answered for them (vacation responders: RFC 3834's
    auto-replied, X-Autoreply, an "Automatic reply:" subject), not a read receipt or delivery
    report, a list, or any other robot: only that says its owner is away."""
    if message.get_content_type() == "multipart/report":
        return False
    replied = any(
        value.strip().lower().startswith("auto-replied")
        for value in _header_values(message, "Auto-Submitted")
    )
    flagged = any(
        _is_sign(name, value)
        for name in ("X-Autoreply", "X-Autorespond", "Subject")
        for value in _header_values(message, name)
    )
    return replied or flagged


def _is_sign(name: str, value: str) -> bool:
    if name == "Subject":
        return bool(_AUTOMATIC_SUBJECT.match(_folded(value)))
    word = value.split(";")[0].strip().lower()
    return word in _BULK_PRECEDENCE if name == "Precedence" else word != "no"


# --- the body ------------------------------------------------------------------------------------


def _body_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    payload = part.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else b""
    text = _decode(data, part.get_content_charset() or "")
    if part.get_content_subtype() == "html":
        # inscriptis indents nested blocks; the indentation of HTML means nothing here.
        text = "\n".join(line.strip() for line in str(html_as_text(text)).splitlines())
    return text.replace("\r\n", "\n").replace("\xa0", " ").replace("\u200b", "")


def _decode(data: bytes, charset: str) -> str:
    try:
        codec = codecs.lookup(charset or "ascii").name
    except LookupError:
        codec = "utf-8"
    if codec == "ascii":
        # Unlabelled 8-bit text is UTF-8 far more often than anything else today.
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            codec = "cp1252"
    if codec == "iso8859-1":
        # As browsers do (WHATWG Encoding): Outlook writes Windows-1252's curly quotes into parts
        # it labels iso-8859-1, and iso-8859-1 would read them as control characters.
        codec = "cp1252"
    return data.decode(codec, errors="replace")


# --- the new text --------------------------------------------------------------------------------

_SENT_FROM = re.compile(
    r"(sent from my|sent from outlook|get outlook for|enviado desde mi|enviado desde outlook"
    r"|obtener outlook para)\b",
    re.IGNORECASE,
)
_CLOSINGS = frozenset(
    {"un saludo", "saludos", "saludos cordiales", "un cordial saludo", "un abrazo", "abrazos"}
    | {"atentamente", "cordialmente", "gracias", "muchas gracias", "mil gracias"}
    | {"regards", "best regards", "kind regards", "best", "best wishes", "all the best"}
    | {"thanks", "thank you", "many thanks", "cheers"}
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINES_AFTER_CLOSING = 4  # a name, a title, a company, a phone
_QUOTE_SCAN_LINES = 300  # at most ~0.15 s however the lines look


def new_text(body: str) -> str:
    """The text a person just wrote: without the quoted history, signatures and closing."""
    lines = _without_quotes(body).split("\n")
    lines = lines[: _signature_start(lines)]
    lines = lines[: _closing_start(lines)]
    return _tidy(lines)


def _without_quotes(body: str) -> str:
    # quotequail's time grows with the square of the lines it reads before the quote when they
    # look like headers ("Nota: …"): look for the quote only where a person's reply is.
    window = "\n".join(body.split("\n", _QUOTE_SCAN_LINES)[:_QUOTE_SCAN_LINES])
    found = quotequail.unwrap(window)
    if not found:
        return body
    top, bottom = (str(found.get(name) or "") for name in ("text_top", "text_bottom"))
    if top:
        return top
    # Bottom-posters write under the quote: all that follows it is theirs, past the window too.
    return body[window.rfind(bottom) :] if bottom else ""


def _signature_start(lines: list[str]) -> int:
    for index, line in enumerate(lines):
        if line.rstrip() == "--" or (len(line) <= 80 and _SENT_FROM.match(line.strip())):
            return index
    return len(lines)


def _closing_start(lines: list[str]) -> int:
    written = [index for index, line in enumerate(lines) if line.strip()]
    # The closing is one of the last lines, and never the first: "Gracias" alone is the message.
    for index in written[1:][-(_LINES_AFTER_CLOSING + 1) :]:
        if _phrase(lines[index]) in _CLOSINGS and all(
            len(line.strip()) <= 72 for line in lines[index:]
        ):
            return index
    return len(lines)


def _tidy(lines: list[str]) -> str:
    text = "\n".join(line.rstrip() for line in lines).strip("\n")
    text = _CONTROL.sub("", text)  # what no text shows (and PostgreSQL refuses NUL)
    return re.sub(r"\n{3,}", "\n\n", text)


# --- the position --------------------------------------------------------------------------------

_POSITIONS: dict[str, PositionStance] = {
    phrase: stance
    for stance, phrases in (
        (PositionStance.AGREE, ("de acuerdo", "a favor", "agree", "i agree", "+1", "si", "yes")),
        (PositionStance.DISAGREE, ("en contra", "en desacuerdo", "disagree", "against", "no")),
        (PositionStance.ABSTAIN, ("me abstengo", "abstencion", "abstain", "i abstain")),
        (PositionStance.BLOCK, ("bloqueo", "bloquear", "block", "i block", "veto")),
    )
    for phrase in phrases
}


def split_position(text: str) -> tuple[PositionStance | None, str]:
    """The position stated alone on the text's first non-empty line, if any, and the rest."""
    lines = text.strip().split("\n")
    position = _POSITIONS.get(_phrase(lines[0]))
    if position is None:
        return None, text.strip()
    return position, "\n".join(lines[1:]).strip()


def _phrase(line: str) -> str:
    """A line as compared with the phrases: folded, without punctuation around it."""
    phrase = _folded(line).strip(" \t*_").lstrip("¡¿").rstrip(".!?,;:… \t")
    return " ".join(phrase.strip("*_").split())


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
