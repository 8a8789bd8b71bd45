"""Email: what a notification says, in the member's language, and sending it over SMTP."""

from __future__ import annotations

import email.policy
import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

import aiosmtplib

from actas.api import clock
from actas.api.catalogue import Texts, texts_for
from actas.api.domain.notifications import Reason
from actas.api.domain.vocabulary import Language, PositionStance
from actas.api.settings import MailSettings


@dataclass(frozen=True)
class Letter:
    """One email, ready to send."""

    to: str
    subject: str
    text: str
    html: str
    message_id: str  # derived from the delivery key: resending it is recognisably the same mail
    thread: str | None = None  # a proposal's emails answer its thread root: clients group them
    reply_to: str | None = None  # reply+<key>@<ACTAS_REPLY_DOMAIN>: a reply joins the debate
    unsubscribe: str | None = None  # RFC 8058 one-click address (List-Unsubscribe)
    auto: str = "auto-generated"  # Auto-Submitted: "auto-replied" for an answer to a message


@dataclass(frozen=True)
class DebateItem:
    """One thing still open in a debate: who said it, its opening words, where the page shows it."""

    person: str
    words: str  # an argument's opening words, a block's reason ("" when it gave none)
    link: str


@dataclass(frozen=True)
class DebateGroup:
    """One kind of what is still open (``mail.debate_state.<kind>``: questions, objections,
    blocks): how many, the first few, and where the page lists them all."""

    kind: str
    total: int
    items: Sequence[DebateItem]
    all_link: str


@dataclass(frozen=True)
class Notice:
    """Everything one notification email tells its reader, as facts; ``compose`` words them.
    ``what`` is the event type or the finer key ``letters.sentence_key`` gives."""

    what: str
    reason: Reason
    actor: str | None
    organisation: str
    reference: str | None = None
    title: str | None = None
    excerpt: str = ""
    link: str | None = None  # the reader's personal link: the proposal page, or their own page
    link_label: str = "mail.open"
    silent: Sequence[str] = ()  # an escalation: who in the head's unit is still silent
    deadline: datetime | None = None
    part: str = ""  # what is asked of the reader, in their words (``parts.part_of``)
    summary: str = ""
    standing: str = ""  # the tally's reason, in the reader's words
    awaited: Sequence[str] = ()  # who the decision still waits for
    debate: Sequence[DebateGroup] = ()  # a reminder: where the debate stands
    recent: Sequence[tuple[str, str]] = ()  # (author, text) of the newest arguments
    positions: Mapping[PositionStance, str] | None = None  # a position asked: a link per stance
    reply_link: str | None = None
    settings_link: str | None = None


def compose(notice: Notice, *, key: str, to: str, language: Language) -> Letter:
    """A notification email, plain text and HTML alike. With ``positions`` it asks the reader
    for theirs: one button per stance, each opening the page with it chosen (a GET only shows)."""
    t = texts_for(language.value)
    actor = notice.actor or t.gettext("mail.someone")
    happened = t.gettext(f"mail.happened.{notice.what}", actor=actor)
    if notice.reference:
        subject = f"[{notice.reference}] {happened}: {notice.title}"
    else:
        subject = f"[{notice.organisation}] {happened}"
    body = _Body()
    body.strong(happened + ".")
    body.line(f"{notice.reference} · {notice.title}" if notice.reference else notice.organisation)
    if notice.excerpt:
        body.quote(notice.excerpt)
    if notice.silent:
        label = (
            "mail.still_awaited"
            if notice.what.startswith("deadline_passed")
            else ("mail.still_silent")
        )
        body.line(f"{t.gettext(label)}: {t.format_list(notice.silent)}.")
    if notice.part:
        body.line(notice.part)
    if notice.deadline:
        body.strong(_deadline(t, notice.deadline))
    if notice.summary and notice.summary != notice.excerpt:
        body.line(f"{t.gettext('mail.summary')}: {_cut(notice.summary, 400)}")
    if notice.standing:
        body.line(f"{t.gettext('mail.standing')}: {notice.standing}")
    if notice.awaited:
        body.line(f"{t.gettext('mail.still_awaited')}: {t.format_list(notice.awaited)}.")
    if notice.debate:
        _debate_state(t, body, notice.debate)
    if notice.recent:
        body.line(t.gettext("mail.recent"))
        for author, text in notice.recent:
            body.quote(f"{author}: {_cut(text, 200)}")
    body.line(t.gettext(f"mail.why.{notice.reason.value}"))
    if notice.positions:
        body.line(t.gettext("mail.take_position"))
        body.buttons(
            [(t.gettext(f"position.{s.value}"), url) for s, url in notice.positions.items()]
        )
    links = [
        (t.gettext("mail.reply"), notice.reply_link),
        (t.gettext(notice.link_label), notice.link),
    ]
    body.links([(label, url) for label, url in links if url])
    if notice.link:
        body.small(t.gettext("mail.personal"))
    if notice.settings_link:
        body.links([(t.gettext("page.settings"), notice.settings_link)], small=True)
    return Letter(
        to=to,
        subject=_one_line(subject),
        text=body.text(),
        html=body.html(language),
        message_id=message_id(key),
    )


def _debate_state(t: Texts, body: _Body, groups: Sequence[DebateGroup]) -> None:
    """Where the debate stands (the page's heading): each kind counted, its first few items
    linked to the page, the rest to the page's whole list."""
    body.strong(t.gettext("page.debate_state"))
    for group in groups:
        lines = [
            (
                t.gettext(
                    "page.debate_state.said",
                    person=item.person,
                    words=item.words or t.gettext("position.block"),
                ),
                item.link,
            )
            for item in group.items
        ]
        if (rest := group.total - len(group.items)) > 0:
            lines.append((t.ngettext("mail.debate_state.more", rest), group.all_link))
        body.listed(t.ngettext(f"mail.debate_state.{group.kind}", group.total) + ":", lines)


def compose_link(
    *, key: str, to: str, language: Language, reference: str, title: str, link: str
) -> Letter:
    """A fresh personal link, asked for on a page that refused an old one."""
    t = texts_for(language.value)
    fields = {"reference": reference, "title": title}
    body = _Body()
    body.line(t.gettext("mail.link.body", **fields))
    body.links([(t.gettext("mail.link.open"), link)])
    return Letter(
        to=to,
        subject=_one_line(t.gettext("mail.link.subject", **fields)),
        text=body.text(),
        html=body.html(language),
        message_id=message_id(key),
    )


def compose_digest(
    *, key: str, to: str, language: Language, organisation: str, counts: dict[str, int], link: str
) -> Letter:
    """The daily or weekly digest: "3 decisions await you, 2 close within 48 h"."""
    t = texts_for(language.value)
    phrases = {
        name: t.ngettext(f"mail.digest.{name}", counts[name])
        for name in ("awaiting", "closing_soon", "new")
    }
    body = _Body()
    body.line(f"{phrases['awaiting']}; {phrases['closing_soon']}. {phrases['new']}.")
    body.links([(t.gettext("mail.open"), link)])
    return Letter(
        to=to,
        # An organisation's name is the user's text: a line break in it must not end the header.
        subject=_one_line(t.gettext("mail.digest.subject", organisation=organisation)),
        text=body.text(),
        html=body.html(language),
        message_id=message_id(key),
    )


def message_id(key: str) -> str:
    """The Message-ID of a delivery: the same every time it is sent, so a repeat is recognised
    (``make_msgid`` would add the time and a random number)."""
    return f"<{key}@actas>"


def thread_root(proposal_id: int) -> str:
    """The Message-ID every email about one proposal answers, so mail clients thread them."""
    return f"<proposal-{proposal_id}@actas>"


class _Body:
    """An email's body as plain text and as HTML, written once: paragraphs, quotes, buttons."""

    def __init__(self) -> None:
        self._text: list[str] = []
        self._html: list[str] = []

    def line(self, text: str) -> None:
        self._text.append(text)
        self._html.append(f"<p>{_e(text)}</p>")

    def strong(self, text: str) -> None:
        self._text.append(text)
        self._html.append(f"<p><strong>{_e(text)}</strong></p>")

    def small(self, text: str) -> None:
        self._text.append(text)
        self._html.append(f'<p style="{SMALL}">{_e(text)}</p>')

    def quote(self, text: str) -> None:
        self._text.append(_quote(text))
        self._html.append(
            f"<blockquote>{_e(_cut(text, 600)).replace(chr(10), '<br>')}</blockquote>"
        )

    def listed(self, heading: str, links: Sequence[tuple[str, str]]) -> None:
        """A heading over a list whose every line links somewhere (plain text: the address
        below each line)."""
        self._text.append("\n".join([heading, *(f"- {label}\n  {url}" for label, url in links)]))
        self._html.append(
            f'<p style="{LIST_HEADING}">{_e(heading)}</p><ul style="{LIST}">'
            + "".join(f'<li><a href="{_e(url)}">{_e(label)}</a></li>' for label, url in links)
            + "</ul>"
        )

    def buttons(self, links: Sequence[tuple[str, str]]) -> None:
        self._text.append("\n".join(f"  {label}: {url}" for label, url in links))
        self._html.append(
            "<p>"
            + " ".join(
                f'<a href="{_e(url)}" style="{BUTTON}">{_e(label)}</a>' for label, url in links
            )
            + "</p>"
        )

    def links(self, links: Sequence[tuple[str, str]], *, small: bool = False) -> None:
        if not links:
            return
        self._text.append("\n".join(f"{label}: {url}" for label, url in links))
        style = f' style="{SMALL}"' if small else ""
        self._html.append(
            f"<p{style}>"
            + " · ".join(f'<a href="{_e(url)}">{_e(label)}</a>' for label, url in links)
            + "</p>"
        )

    def text(self) -> str:
        return "\n\n".join(self._text) + "\n"

    def html(self, language: Language | None = None) -> str:
        lang = f' lang="{language.value}"' if language else ""
        return f"<html{lang}><body>" + "".join(self._html) + "</body></html>"


# Mail clients drop stylesheets: a button is an inline-styled link.
BUTTON = (
    "display:inline-block;padding:8px 14px;margin:2px;border-radius:4px;background:#3f51b5;"
    "color:#ffffff;text-decoration:none;font-weight:bold"
)
SMALL = "color:#666666;font-size:small"
LIST_HEADING = "margin-bottom:4px"
LIST = "margin-top:0;padding-left:20px"


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _deadline(t: Texts, deadline: datetime) -> str:
    return t.gettext(
        "mail.deadline",
        when=t.format_moment(deadline),
        relative=t.format_timedelta(deadline - clock.now(), direction=True),
    )


async def send(letter: Letter, settings: MailSettings) -> None:
    """Hand one email to the SMTP server; raises when it is not accepted."""
    # SMTP's policy: CRLF line ends, headers folded and encoded for the wire. The recipient is an
    # ``Address``, which refuses anything but one addr-spec (a comma would add a recipient).
    message = EmailMessage(policy=email.policy.SMTP)
    message["Date"] = format_datetime(clock.now())
    message["From"] = settings.sender
    message["To"] = Address(addr_spec=letter.to)
    message["Subject"] = letter.subject
    message["Message-ID"] = letter.message_id
    if letter.reply_to:
        message["Reply-To"] = Address(addr_spec=letter.reply_to)
    if letter.thread:
        message["In-Reply-To"] = letter.thread
        message["References"] = letter.thread
    # Sent by a program: out-of-office replies are suppressed (Exchange) or flagged (RFC 3834).
    message["Auto-Submitted"] = letter.auto
    message["X-Auto-Response-Suppress"] = "OOF, AutoReply"
    if letter.unsubscribe:
        message["List-Unsubscribe"] = f"<{letter.unsubscribe}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(letter.text)
    message.add_alternative(letter.html, subtype="html")
    await aiosmtplib.send(
        message,
        recipients=[letter.to],  # the envelope names the one recipient, whatever the headers say
        hostname=settings.host,
        port=settings.port,
        username=settings.username or None,
        password=settings.password or None,
        use_tls=settings.security == "tls",
        start_tls=settings.security == "starttls",
        timeout=15,
    )


def _quote(text: str, limit: int = 600) -> str:
    return "\n".join(f"> {line}" for line in _cut(text, limit).splitlines())


def _cut(text: str, limit: int) -> str:
    text = text.strip()
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] + " …"
    return text


def _one_line(text: str, limit: int = 180) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
