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
from actas.api.catalogue import texts_for
from actas.api.domain.notifications import Reason
from actas.api.domain.vocabulary import Language, PositionStance
from actas.api.settings import MailSettings

# What happened, by event type or by the finer key ``letters.sentence_key`` gives (a reminder, a
# late follow-up...): "{actor}" is filled in.
HAPPENED = {
    Language.ES: {
        "proposal.drafted": "{actor} le ha mencionado en un borrador",
        "proposal.opened": "{actor} ha abierto la propuesta a debate",
        "proposal.revised": "{actor} ha revisado la propuesta",
        "proposal.updated": "{actor} ha cambiado los datos de la propuesta",
        "participant.set": "{actor} le ha incluido en la propuesta",
        "argument.added": "{actor} ha añadido un argumento",
        "argument.edited": "{actor} ha corregido un argumento",
        "position.taken": "{actor} ha tomado posición",
        "proposal.accepted": "La propuesta ha sido aceptada",
        "proposal.rejected": "La propuesta ha sido rechazada",
        "proposal.withdrawn": "{actor} ha retirado la propuesta",
        "proposal.abandoned": "La propuesta ha sido abandonada",
        "member.added": "{actor} le ha añadido a la organización",
        "member.invited": "{actor} le invita a unirse a la organización",
        "reminder": "Falta su posición y el plazo vence pronto",
        "escalation": "Alguien de su unidad aún no ha tomado posición y el plazo vence pronto",
        "deadline_passed": "El plazo ha vencido sin una decisión",
        "deadline_passed.reminder": "El plazo ha vencido y aún falta su posición o su decisión",
        "deadline_passed.escalation": "El plazo ha vencido y alguien de su unidad no se ha "
        "pronunciado",
        "follow_up.added": "{actor} le ha encargado un seguimiento",
        "follow_up.updated": "{actor} ha actualizado un seguimiento",
        "follow_up": "Un seguimiento a su cargo vence pronto",
        "follow_up.late": "Un seguimiento a su cargo ha vencido",
        "outcome_review": "Es momento de registrar el resultado obtenido",
        "outcome.recorded": "{actor} ha registrado el resultado obtenido",
    },
    Language.EN: {
        "proposal.drafted": "{actor} mentioned you in a draft",
        "proposal.opened": "{actor} opened the proposal for debate",
        "proposal.revised": "{actor} revised the proposal",
        "proposal.updated": "{actor} changed the proposal's details",
        "participant.set": "{actor} included you in the proposal",
        "argument.added": "{actor} added an argument",
        "argument.edited": "{actor} corrected an argument",
        "position.taken": "{actor} took a position",
        "proposal.accepted": "The proposal was accepted",
        "proposal.rejected": "The proposal was rejected",
        "proposal.withdrawn": "{actor} withdrew the proposal",
        "proposal.abandoned": "The proposal was abandoned",
        "member.added": "{actor} added you to the organisation",
        "member.invited": "{actor} invited you to join the organisation",
        "reminder": "Your position is missing and the deadline is near",
        "escalation": "Someone in your unit has not taken a position and the deadline is near",
        "deadline_passed": "The deadline passed without a decision",
        "deadline_passed.reminder": "The deadline has passed and your position or decision is "
        "still missing",
        "deadline_passed.escalation": "The deadline has passed and someone in your unit has not "
        "spoken",
        "follow_up.added": "{actor} gave you a follow-up",
        "follow_up.updated": "{actor} updated a follow-up",
        "follow_up": "A follow-up you own is due soon",
        "follow_up.late": "A follow-up you own is overdue",
        "outcome_review": "It is time to record the result that was achieved",
        "outcome.recorded": "{actor} recorded the result that was achieved",
    },
}
WHY = {
    Language.ES: {
        Reason.INVITED: "Su posición es necesaria en esta propuesta.",
        Reason.REMINDER: "Su posición es necesaria en esta propuesta.",
        Reason.ESCALATION: "Le escribimos como responsable de la unidad.",
        Reason.MENTION: "Le han mencionado.",
        Reason.REPLY: "Es una respuesta a su argumento.",
        Reason.PARTICIPANT: "Participa en esta propuesta.",
        Reason.FOLLOWING: "Sigue esta propuesta.",
        Reason.FOLLOW_UP: "Es responsable de este seguimiento.",
        Reason.OUTCOME_REVIEW: "Usted propuso esta decisión o es responsable de su seguimiento.",
        Reason.MEMBERSHIP: "Ahora es miembro de la organización.",
        Reason.INVITATION: "Acepte o rechace la invitación en actas (viewer.invitations); "
        "caduca en 14 días.",
    },
    Language.EN: {
        Reason.INVITED: "Your position is needed on this proposal.",
        Reason.REMINDER: "Your position is needed on this proposal.",
        Reason.ESCALATION: "We are writing to you as the head of the unit.",
        Reason.MENTION: "You were mentioned.",
        Reason.REPLY: "It replies to your argument.",
        Reason.PARTICIPANT: "You take part in this proposal.",
        Reason.FOLLOWING: "You follow this proposal.",
        Reason.FOLLOW_UP: "You own this follow-up.",
        Reason.OUTCOME_REVIEW: "You proposed this decision or own its follow-up.",
        Reason.MEMBERSHIP: "You are now a member of the organisation.",
        Reason.INVITATION: "Accept or decline it in actas (viewer.invitations); it expires in "
        "14 days.",
    },
}
OPEN_LINK = {Language.ES: "Abrir en actas", Language.EN: "Open in actas"}
SOMEONE = {Language.ES: "Alguien", Language.EN: "Someone"}
STILL_SILENT = {Language.ES: "Sin posición todavía", Language.EN: "No position yet"}
# At a passed deadline the deciders are awaited too, whether or not they took a position.
STILL_AWAITED = {Language.ES: "Aún se espera a", Language.EN: "Still awaited"}


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
    auto: str = "auto-generated"  # Auto-Submitted: "auto-replied" for an answer to a message


def compose(
    *,
    key: str,
    to: str,
    language: Language,
    what: str,
    reason: Reason,
    actor: str | None,
    organisation: str,
    reference: str | None,
    title: str | None,
    excerpt: str,
    link: str | None,
    silent: Sequence[str] = (),
    deadline: datetime | None = None,
    positions: Mapping[PositionStance, str] | None = None,
    thread: str | None = None,
) -> Letter:
    """A notification; with ``positions`` (a personal link per stance) it asks the reader for
    theirs: one button each, opening the page with that stance chosen (a GET only shows)."""
    happened = HAPPENED[language].get(what, what).format(actor=actor or SOMEONE[language])
    t = texts_for(language.value)
    due = (
        t.gettext(
            "mail.deadline",
            when=t.format_moment(deadline),
            relative=t.format_timedelta(deadline - clock.now(), direction=True),
        )
        if deadline
        else ""
    )
    buttons = [(t.gettext(f"position.{s.value}"), url) for s, url in (positions or {}).items()]
    subject = f"[{reference}] {happened}: {title}" if reference else f"[{organisation}] {happened}"
    lines = [happened + ".", "", f"{reference} · {title}" if reference else organisation]
    if excerpt:
        lines += ["", _quote(excerpt)]
    label = (STILL_AWAITED if what.startswith("deadline_passed") else STILL_SILENT)[language]
    still_silent = f"{label}: {', '.join(silent)}." if silent else ""
    if still_silent:
        lines += ["", still_silent]
    if due:
        lines += ["", due]
    lines += ["", WHY[language][reason]]
    if buttons:
        lines += ["", t.gettext("mail.take_position")]
        lines += [f"  {label}: {url}" for label, url in buttons]
    if link:
        lines += [f"{OPEN_LINK[language]}: {link}"]
    if positions or link:
        lines += ["", t.gettext("mail.personal")]
    body = "\n".join(lines) + "\n"
    e = html.escape
    html_parts = [f"<p><strong>{e(happened)}.</strong></p>"]
    if reference:
        html_parts.append(f"<p>{e(reference)} · {e(title or '')}</p>")
    if excerpt:
        html_parts.append(f"<blockquote>{e(excerpt).replace(chr(10), '<br>')}</blockquote>")
    if still_silent:
        html_parts.append(f"<p>{e(still_silent)}</p>")
    if due:
        html_parts.append(f"<p><strong>{e(due)}</strong></p>")
    html_parts.append(f"<p>{e(WHY[language][reason])}</p>")
    if buttons:
        html_parts.append(
            "<p>"
            + " ".join(
                f'<a href="{e(url, quote=True)}" style="{BUTTON}">{e(label)}</a>'
                for label, url in buttons
            )
            + "</p>"
        )
    if link:
        html_parts.append(f'<p><a href="{e(link, quote=True)}">{e(OPEN_LINK[language])}</a></p>')
    if positions or link:
        html_parts.append(
            f'<p style="color:#666;font-size:small">{e(t.gettext("mail.personal"))}</p>'
        )
    return Letter(
        to=to,
        subject=_one_line(subject),
        text=body,
        html="<html><body>" + "".join(html_parts) + "</body></html>",
        message_id=message_id(key),
        thread=thread,
    )


# Mail clients drop stylesheets: a button is an inline-styled link.
BUTTON = (
    "display:inline-block;padding:8px 14px;margin:2px;border-radius:4px;background:#3f51b5;"
    "color:#ffffff;text-decoration:none;font-weight:bold"
)


def thread_root(proposal_id: int) -> str:
    """The Message-ID every email about one proposal answers, so mail clients thread them."""
    return f"<proposal-{proposal_id}@actas>"


def message_id(key: str) -> str:
    """The Message-ID of a delivery: the same every time it is sent, so a repeat is recognised
    (``make_msgid`` would add the time and a random number)."""
    return f"<{key}@actas>"


def compose_link(
    *, key: str, to: str, language: Language, reference: str, title: str, link: str
) -> Letter:
    """A fresh personal link, asked for on a page that refused an old one."""
    t = texts_for(language.value)
    fields = {"reference": reference, "title": title}
    intro = t.gettext("mail.link.body", **fields)
    opened = t.gettext("mail.link.open")
    e = html.escape
    return Letter(
        to=to,
        subject=_one_line(t.gettext("mail.link.subject", **fields)),
        text=f"{intro}\n\n{opened}: {link}\n",
        html=f'<html><body><p>{e(intro)}</p><p><a href="{e(link, quote=True)}">'
        f"{e(opened)}</a></p></body></html>",
        message_id=message_id(key),
    )


DIGEST_SUBJECT = {
    Language.ES: "Resumen de {organisation}",
    Language.EN: "Your {organisation} digest",
}
# Each count's phrase, singular and plural.
DIGEST_PHRASES = {
    Language.ES: {
        "awaiting": ("{n} propuesta espera su posición", "{n} propuestas esperan su posición"),
        "closing_soon": ("{n} cierra en 48 h", "{n} cierran en 48 h"),
        "new": (
            "{n} aviso nuevo desde el último resumen",
            "{n} avisos nuevos desde el último resumen",
        ),
    },
    Language.EN: {
        "awaiting": ("{n} proposal awaits your position", "{n} proposals await your position"),
        "closing_soon": ("{n} closes within 48 h", "{n} close within 48 h"),
        "new": (
            "{n} new notification since your last digest",
            "{n} new notifications since your last digest",
        ),
    },
}


def compose_digest(
    *, key: str, to: str, language: Language, organisation: str, counts: dict[str, int], link: str
) -> Letter:
    """The daily or weekly digest: "3 decisions await you, 2 close within 48 h"."""
    phrases = {
        name: forms[counts[name] != 1].format(n=counts[name])
        for name, forms in DIGEST_PHRASES[language].items()
    }
    text = f"{phrases['awaiting']}; {phrases['closing_soon']}. {phrases['new']}."
    e = html.escape
    return Letter(
        to=to,
        # An organisation's name is the user's text: a line break in it must not end the header.
        subject=_one_line(DIGEST_SUBJECT[language].format(organisation=organisation)),
        text=f"{text}\n\n{OPEN_LINK[language]}: {link}\n",
        html=f'<html><body><p>{e(text)}</p><p><a href="{e(link, quote=True)}">'
        f"{e(OPEN_LINK[language])}</a></p></body></html>",
        message_id=message_id(key),
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
    text = text.strip()
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] + " …"
    return "\n".join(f"> {line}" for line in text.splitlines())


def _one_line(text: str, limit: int = 180) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
