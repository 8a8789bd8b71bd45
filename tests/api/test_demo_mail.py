"""A newcomer sees email work in ``actas demo``: the demo runs its worker and a mail catcher in
its one process, the people's emails land in a Maildir beside the database, ``/mail/`` lists
and shows them (development only), and their links open the demo's pages on ``--port``.

The demo runs for real, as a subprocess in a folder of its own (the worker takes every due step
of its database, which must not be the suite's shared one); the Maildir is read back with the
standard library as the oracle.
"""

from __future__ import annotations

import html
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from actas.api.app import create_app
from actas.api.catalogue import texts_for
from actas.api.demo import data
from actas.api.dev_mail import SHOWN_HEADERS, caught, caught_mail, mail_catcher, maildir_of
from actas.api.services.mail import Letter, send
from actas.api.settings import MailSettings, Settings, load_settings
from tests.api.demo_process import RunningDemo, button, director_email, part, running_demo

DIRECTOR = director_email()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningDemo]:
    """The demo, serving, once its worker has sent everything due."""
    with running_demo(tmp_path_factory.mktemp("demo-mail")) as running:
        running.wait_for("every email sent", lambda: unsent(running) == 0)
        yield running


def links_in(page: str) -> list[str]:
    return [html.unescape(href) for href in re.findall(r'href="([^"]+)"', page)]


def between(page: str, start: str, end: str) -> str:
    found = re.search(f"{re.escape(start)}(.*?){re.escape(end)}", page, re.DOTALL)
    assert found, f"no {start} in the page"
    return found.group(1)


def recipient_section(listing: str, to: str) -> str:
    found = re.search(rf'data-recipient="{re.escape(to)}">(.*?)</section>', listing, re.DOTALL)
    assert found, f"no section for {to}"
    return found.group(1)


def test_every_url_the_demo_prints_follows_its_port(demo: RunningDemo) -> None:
    urls = re.findall(r"https?://[^\s'`\"]+", demo.printed)

    assert urls
    assert [url for url in urls if not url.startswith(f"{demo.base}/")] == []
    assert f"{demo.base}/mail/" in urls
    assert f"{demo.base}/archive/login" in urls
    assert ":8000" not in demo.printed


def test_the_list_shows_the_directors_invitation_under_her_address(demo: RunningDemo) -> None:
    found = demo.invitation(DIRECTOR)
    assert found
    key, message = found

    listing = httpx.get(f"{demo.base}/mail/", timeout=30)
    mine = recipient_section(listing.text, DIRECTOR)

    assert listing.status_code == 200
    assert str(message["Subject"]).startswith("[BRISA-24] ")  # as the README says
    assert f'href="/mail/{quote(key)}"' in mine
    assert html.escape(str(message["Subject"]), quote=False) in mine
    # Every caught email is listed once, under its recipient.
    assert len(re.findall(r'<li><a href="/mail/', listing.text)) == len(demo.caught())


def test_an_email_shows_its_headers_its_sanitised_html_and_its_text(demo: RunningDemo) -> None:
    found = demo.invitation(DIRECTOR)
    assert found
    key, message = found
    block = button(message, "block")

    shown = httpx.get(f"{demo.base}/mail/{quote(key)}", timeout=30).text
    headers = between(shown, '<dl class="actas-facts" id="headers">', "</dl>")
    html_part = between(shown, '<section class="actas-mail-html" id="html">', "</section>")
    text_part = between(shown, '<pre id="text">', "</pre>")

    present = [name for name in SHOWN_HEADERS if name in message]
    assert set(present) >= {"From", "To", "Subject", "Date", "Message-ID", "In-Reply-To"}
    assert "Auto-Submitted" in present
    for name in present:
        value = html.escape(str(message[name]), quote=False)
        assert f"<dt>{name}</dt><dd>{value}</dd>" in headers
    # The buttons stay links to the demo's own proposal page, as the director.
    assert block and block.startswith(f"{demo.base}/p/") and "k=" in block
    assert block in links_in(html_part)
    assert "style=" not in html_part and "<script" not in html_part
    assert html.unescape(text_part) == part(message, "plain")


def test_the_block_button_opens_the_proposal_page_with_block_chosen(demo: RunningDemo) -> None:
    found = demo.invitation(DIRECTOR)
    assert found
    block = button(found[1], "block")
    assert block

    page = httpx.get(block, timeout=30)

    assert page.status_code == 200
    assert 'value="block" required checked' in page.text


def test_everyone_but_the_director_was_welcomed_by_email(demo: RunningDemo) -> None:
    director = next(p for p in data.PEOPLE if p["email"] == DIRECTOR)
    welcome = {
        p["email"]: f"[{data.ORGANISATION['name']}] "
        + texts_for(p["language"]).gettext("mail.happened.member.added", actor=director["name"])
        for p in data.PEOPLE
    }
    subjects: dict[str, list[str]] = {}
    for _key, message in demo.caught():
        subjects.setdefault(str(message["To"]), []).append(str(message["Subject"]))

    assert [to for to in welcome if welcome[to] in subjects[to]] == [
        p["email"]
        for p in data.PEOPLE
        if p is not director  # she made the organisation
    ]


def test_an_unknown_email_is_not_found(demo: RunningDemo) -> None:
    for key in ("no-such-key", "..%2F..%2Factas.sqlite3", "cur"):
        assert httpx.get(f"{demo.base}/mail/{key}", timeout=30).status_code == 404


def test_ctrl_c_stops_the_worker_the_catcher_and_the_server_cleanly(demo: RunningDemo) -> None:
    """Last in this module: it stops the demo."""
    code = demo.interrupt()
    errors = (demo.folder / "stderr.txt").read_text()

    # 130 as after Ctrl+C in a shell; 0 when started with SIGINT ignored (a background job).
    assert code in (0, 130), demo.output()
    assert "Application shutdown complete" in errors
    assert "Traceback" not in errors
    with sqlite3.connect(demo.folder / "actas.sqlite3") as connection:
        (held,) = connection.execute(
            "SELECT count(*) FROM delivery WHERE status = 'pending' AND claimed_until IS NOT NULL"
        ).fetchone()
    assert held == 0  # nothing left leased to a worker that is gone


def unsent(demo: RunningDemo) -> int:
    with sqlite3.connect(demo.folder / "actas.sqlite3") as connection:
        (count,) = connection.execute(
            "SELECT count(*) FROM delivery WHERE status = 'pending'"
        ).fetchone()
    return int(count)


# --- in this process: the catcher and the pages --------------------------------------------------


def settings_beside(folder: Path, **env: str) -> Settings:
    return load_settings({"ACTAS_DATABASE_URL": f"sqlite://{folder / 'actas.sqlite3'}", **env})


async def test_the_catcher_keeps_what_the_sender_hands_it(tmp_path: Path) -> None:
    settings = settings_beside(tmp_path)
    letter = Letter(
        to="nadia@example.org",
        subject="[BRISA-1] Una prueba",
        text="Hola.\n",
        html='<p style="color:red">Hola <a href="http://127.0.0.1:1/p/BRISA-1?k=x">abrir</a>'
        "<script>alert(1)</script></p>",
        message_id="<k@actas>",
        thread="<proposal-1@actas>",
    )
    async with mail_catcher(maildir_of(settings)) as port:
        await send(letter, MailSettings(host="127.0.0.1", port=port))
    [summary] = caught(maildir_of(settings))
    mail = caught_mail(maildir_of(settings), summary.key)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(settings)), base_url="http://demo"
    ) as client:
        listing = await client.get("/mail/")
        shown = await client.get(f"/mail/{quote(summary.key)}")

    assert maildir_of(settings) == tmp_path / "actas-mail"
    assert (summary.to, summary.subject) == ("nadia@example.org", "[BRISA-1] Una prueba")
    assert mail and dict(mail.headers)["In-Reply-To"] == "<proposal-1@actas>"
    assert mail.text == "Hola.\n"
    assert listing.status_code == shown.status_code == 200
    assert f'href="/mail/{quote(summary.key)}">[BRISA-1] Una prueba</a>' in listing.text
    assert 'href="http://127.0.0.1:1/p/BRISA-1?k=x"' in shown.text
    assert "<script" not in shown.text and "alert(1)" not in shown.text
    assert 'style="color:red"' not in shown.text


async def test_the_list_says_when_nothing_was_caught_yet(tmp_path: Path) -> None:
    app = create_app(settings_beside(tmp_path))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://demo"
    ) as client:
        listing = await client.get("/mail/")

    assert listing.status_code == 200
    assert "Nothing caught yet" in listing.text


async def test_production_routes_no_mail_pages(tmp_path: Path) -> None:
    folder = tmp_path / "actas-mail"
    async with mail_catcher(folder) as port:
        await send(
            Letter(to="a@example.org", subject="s", text="t", html="<p>h</p>", message_id="<m@a>"),
            MailSettings(host="127.0.0.1", port=port),
        )
    [summary] = caught(folder)
    production = settings_beside(
        tmp_path,
        ACTAS_ENV="production",
        ACTAS_SECRET_KEY="a-production-secret-of-at-least-32-characters",
        ACTAS_RATE_LIMIT_STORAGE="memory://",
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(production)), base_url="http://demo"
    ) as client:
        answers = [await client.get(path) for path in ("/mail/", f"/mail/{quote(summary.key)}")]

    assert [answer.status_code for answer in answers] == [404, 404]
    assert all(summary.subject not in answer.text for answer in answers)
