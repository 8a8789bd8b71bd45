"""The ``actas`` command: serve, db migrate, token create, verify, demo, schema export."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, TypeVar

import typer
import uvicorn

from actas.api import db
from actas.api.domain.errors import DomainError
from actas.api.domain.vocabulary import TokenScope
from actas.api.settings import Settings, SettingsError, load_settings, require_secret_key

if TYPE_CHECKING:
    from actas.archive.audience import Audience
    from actas.archive.build import BuildOptions, BuildReport

app = typer.Typer(
    help="actas: decide together, asynchronously, and keep the reasons.",
    no_args_is_help=True,
    add_completion=False,
)
db_app = typer.Typer(help="The database.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens.", no_args_is_help=True)
user_app = typer.Typer(help="People.", no_args_is_help=True)
schema_app = typer.Typer(help="The GraphQL contract.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(token_app, name="token")
app.add_typer(user_app, name="user")
app.add_typer(schema_app, name="schema")
archive_app = typer.Typer(help="The static archive of closed decisions.", no_args_is_help=True)
app.add_typer(archive_app, name="archive")

T = TypeVar("T")

EXAMPLE_QUERY = """{
  viewer { user { name } organisations { slug name } }
  organisation(slug: "brisa") {
    proposals(first: 5, states: [OPEN]) {
      nodes { reference title deadline tally { verdict reason } }
    }
  }
}"""


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as error:
        _fail(str(error))


def _fail(message: str) -> NoReturn:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code=1)


def _run_with_database(settings: Settings, work: Callable[[], Awaitable[T]]) -> T:
    """Open the (migrated) database, run ``work``, close it; domain errors end the command."""

    async def run() -> T:
        await db.open_database(settings)
        try:
            await db.ensure_migrated()
            return await work()
        finally:
            await db.close_database()

    try:
        return asyncio.run(run())
    except (DomainError, db.MigrationsPending) as error:
        _fail(str(error))


def fresh_metrics_folder() -> None:
    """Several server processes add their figures up in ``PROMETHEUS_MULTIPROC_DIR``: make it if
    it is missing (``/run`` is emptied at boot) and empty it, as a fresh start must."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        path = Path(folder)
        path.mkdir(parents=True, exist_ok=True)
        for stale in path.glob("*.db"):
            stale.unlink()


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
) -> None:
    """Serve the GraphQL API (run `actas db migrate` first)."""
    from actas.api.observability import logging_config

    settings = _settings()
    try:
        require_secret_key(settings)
    except SettingsError as error:
        _fail(str(error))
    fresh_metrics_folder()
    # Our request log replaces uvicorn's access log: it carries the request id and operation.
    logs = logging_config(settings)
    if workers > 1:
        uvicorn.run(
            "actas.api.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_config=logs,
            access_log=False,
        )
    else:
        import logging.config

        from actas.api.app import create_app

        logging.config.dictConfig(logs)  # before the app is made: it may warn
        uvicorn.run(create_app(settings), host=host, port=port, log_config=logs, access_log=False)


@db_app.command("migrate")
def migrate() -> None:
    """Apply every migration the database does not have yet."""
    settings = _settings()
    asyncio.run(db.migrate(settings))
    typer.echo(f"Database up to date: {_describe(settings)}")


@db_app.command("reindex")
def reindex(
    organisation: Annotated[
        str | None, typer.Option("--organisation", "-o", help="Only this organisation's slug.")
    ] = None,
) -> None:
    """Rebuild the search index from every proposal's text and argument: its terms, its
    keyphrases (themes) and, with the analytics extra, its embeddings. Each is kept with every
    change; rebuild after restoring a backup, upgrading the stemmer or installing the extra."""
    from actas.api.models import Organisation
    from actas.api.services import embeddings, similar, themes
    from actas.api.services.search_index import reindex as rebuild

    async def run() -> str:
        organisation_id = None
        if organisation is not None:
            found = await Organisation.get_or_none(slug=organisation)
            if found is None:
                _fail(f"No organisation {organisation!r}.")
            organisation_id = found.id
        indexed = await rebuild(organisation_id)
        await themes.reindex(organisation_id)
        if similar.engine_in_use() is similar.Engine.EMBEDDINGS:
            await embeddings.reindex(organisation_id)
            return f"Indexed {indexed} proposals (terms, keyphrases and embeddings)."
        return f"Indexed {indexed} proposals (terms and keyphrases)."

    typer.echo(_run_with_database(_settings(), run))


@token_app.command("create")
def token_create(
    email: Annotated[str, typer.Option(help="Whose token; created if new (then give --name).")],
    name: Annotated[str | None, typer.Option(help="Name for a new user.")] = None,
    scope: Annotated[TokenScope, typer.Option(help="read or write.")] = TokenScope.WRITE,
    days: Annotated[int, typer.Option(help="Days until it expires (1-366).")] = 90,
    label: Annotated[str, typer.Option(help="A note to recognise it by.")] = "",
) -> None:
    """Print a new API token (it is stored only as a hash; copy it now)."""
    from actas.api.services.tokens import issue_token
    from actas.api.services.users import find_or_create_user

    async def create() -> str:
        user = await find_or_create_user(email, name=name)
        issued = await issue_token(user.id, scope=scope, days=days, label=label or "cli")
        return issued.secret

    typer.echo(_run_with_database(_settings(), create))


@user_app.command("admin")
def user_admin(
    email: Annotated[str, typer.Argument(help="The person's email (they must have an account).")],
    remove: Annotated[bool, typer.Option("--remove", help="Make them no longer one.")] = False,
) -> None:
    """Make a person an instance admin, who may create organisations when
    ACTAS_ORGANISATION_CREATORS=admins (the production default)."""
    from actas.api.services.users import set_instance_admin

    async def update() -> str:
        user = await set_instance_admin(email, admin=not remove)
        return f"{user.email} is {'now' if user.instance_admin else 'no longer'} an instance admin."

    typer.echo(_run_with_database(_settings(), update))


@app.command()
def worker(
    once: Annotated[bool, typer.Option(help="Run one round and exit (for cron or CI).")] = False,
) -> None:
    """Send notifications, emails and webhooks; remind, escalate and act on deadlines."""
    import logging
    import logging.config
    import signal

    from actas.api.observability import logging_config
    from actas.api.worker import one_round, run_worker

    settings = _settings()
    try:
        require_secret_key(settings)  # it signs the personal links in emails
    except SettingsError as error:
        _fail(str(error))
    logging.config.dictConfig(logging_config(settings))
    if settings.worker_metrics_port is not None and not once:
        from prometheus_client import start_http_server

        start_http_server(settings.worker_metrics_port)  # /metrics of this worker

    async def run() -> None:
        if once:
            result = await one_round(settings)
            typer.echo(f"steps {result.schedule.steps}, {result.delivery}")
            return
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()

        def stopping() -> None:
            logging.getLogger("actas.worker").info("Stopping after the messages in hand.")
            stop.set()

        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stopping)
        typer.echo("actas worker running; Ctrl+C stops it.")
        await run_worker(settings, stop)

    _run_with_database(settings, run)


@app.command()
def verify() -> None:
    """Walk every organisation's event chain; exit 1 at the first broken link."""
    from actas.api.services.ledger import verify_chains

    reports = _run_with_database(_settings(), verify_chains)
    broken = False
    for report in reports:
        if report.broken:
            broken = True
            typer.secho(f"BROKEN {report.organisation_slug}: {report.broken}", fg=typer.colors.RED)
        else:
            typer.echo(f"ok     {report.organisation_slug}: {report.events} events")
    if broken:
        raise typer.Exit(code=1)
    typer.echo(f"All {len(reports)} chains intact.")


@app.command()
def demo(
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8000,
    serve_api: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve after loading.")
    ] = True,
) -> None:
    """Load a realistic demo organisation, print a token and serve the API with GraphiQL, the
    worker, and a mail catcher whose emails are listed at /mail/."""
    from actas.api.demo.serve import HOST, demo_settings

    settings = demo_settings(_settings(), port)
    asyncio.run(db.migrate(settings))
    secret, description = _run_with_database(settings, _load_demo)
    base = f"http://{HOST}:{port}"
    archive = _build_demo_archive(settings, f"{base}/archive/")
    url = f"{base}/graphql"
    headers = json.dumps({"Authorization": f"Bearer {secret}"})
    typer.echo(description)
    typer.echo(f"\nDatabase: {_describe(settings)}")
    typer.echo(f"API token (write, 30 days): {secret}")
    # Not in the URL: addresses end up in history, logs and screenshots.
    typer.echo(f"GraphiQL: {url}")
    typer.echo(f"  its Headers tab (paste once, this browser keeps it): {headers}")
    typer.echo("\nOr from a shell:")
    typer.echo(
        f"  curl -s {url} -H 'Authorization: Bearer {secret}' -H 'Content-Type: application/json' "
        """-d '{"query": "{ viewer { user { name } organisations { slug } } }"}'"""
    )
    typer.echo(f"\nTry this query:\n{EXAMPLE_QUERY}\n")
    typer.echo(
        f"Archive of closed decisions ({archive.decisions}) in {archive.output}, served at "
        f"{base}/archive/; sign in with the token at {base}/archive/login (rebuild with "
        f"`actas archive build --organisation brisa --site-url {base}/archive/`)."
    )
    typer.echo(
        f"\nMail: the demo's people get email; the worker sends it to a mail catcher, and "
        f"{base}/mail/ lists what each received (development only). Open an invitation, "
        "choose a position and watch the tally change.\n"
    )
    if serve_api:
        _serve_demo(settings, port)


async def _load_demo() -> tuple[str, str]:
    """Load the demo (or find it), take today's steps once if new: (a token, what it holds)."""
    from actas.api.demo.load import load_demo
    from actas.api.services.schedule import run_schedule
    from actas.api.services.tokens import issue_token

    summary = await load_demo()
    if summary.loaded_now:
        await run_schedule()  # today's reminders, escalations and deadlines, as a worker would
    issued = await issue_token(
        summary.token_user_id, scope=TokenScope.WRITE, days=30, label="actas demo"
    )
    states = ", ".join(f"{n} {s.value}" for s, n in summary.proposals_by_state.items() if n)
    status = "Loaded" if summary.loaded_now else "Found"
    return issued.secret, (
        f"{status} the demo organisation '{summary.organisation_slug}': {summary.people} "
        f"people, {summary.units} units, {summary.proposals} proposals ({states}), "
        f"{summary.arguments} arguments, {summary.positions} positions."
    )


def _build_demo_archive(settings: Settings, site_url: str) -> BuildReport:
    from actas.archive.build import BuildOptions
    from actas.archive.errors import ArchiveError

    options = BuildOptions(output=settings.archive_dir, organisations=("brisa",), site_url=site_url)
    try:
        return _run_with_database(settings, lambda: build_archive_quietly(options))
    except ArchiveError as error:
        _fail(f"the demo's archive could not be built: {error}")


def _serve_demo(settings: Settings, port: int) -> None:
    """The API, the worker and the mail catcher in this one process, until Ctrl+C."""
    from actas.api.app import create_app
    from actas.api.demo.serve import HOST, with_worker_and_catcher
    from actas.api.dev_mail import maildir_of

    try:
        require_secret_key(settings)  # the worker signs the links in the emails
    except SettingsError as error:
        _fail(str(error))
    served = with_worker_and_catcher(create_app(settings), settings, maildir_of(settings))
    uvicorn.run(served, host=HOST, port=port)


@archive_app.command("build")
def archive_build(
    organisation: Annotated[
        list[str] | None,
        typer.Option("--organisation", "-o", help="Organisation slug (repeat; default: all)."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option(help="Output folder (default: ACTAS_ARCHIVE_DIR).")
    ] = None,
    language: Annotated[
        str | None, typer.Option(help="es or en (default: the organisation's language).")
    ] = None,
    audience: Annotated[
        str | None,
        typer.Option(
            help="organisation (what every member may see) or public (default: organisation; "
            "from a file, the file's)."
        ),
    ] = None,
    site_url: Annotated[
        str | None,
        typer.Option(
            help="Where the archive is served (citations, permalinks, feed, sitemap); default: "
            "the URL the archive in --output was built for."
        ),
    ] = None,
    from_file: Annotated[
        Path | None,
        typer.Option("--from", help="Build from an `actas export` file; no database is opened."),
    ] = None,
    expect_decisions: Annotated[
        int,
        typer.Option(help="Fail (exit 1, the site left as it was) below this many decisions."),
    ] = 0,
    full: Annotated[
        bool,
        typer.Option(help="Read every decision again, not only those whose record changed."),
    ] = False,
) -> None:
    """Build the archive of closed decisions as a static site; exit 1 if it cannot."""
    from actas.archive.build import BuildOptions
    from actas.archive.errors import ArchiveError

    settings = _settings()
    options = BuildOptions(
        output=output or settings.archive_dir,
        audience=_audience(audience) if audience else None,
        organisations=tuple(organisation or ()),
        language=language,
        site_url=site_url,
        from_file=from_file,
        expect_decisions=expect_decisions,
        full=full,
    )
    try:
        report = _build_archive(settings, options)
    except ArchiveError as error:
        _fail(str(error))
    typer.echo(f"Archive in {report.output} for {report.site_url}: {report}")
    for note in report.notes():
        typer.secho(note, fg=typer.colors.YELLOW, err=True)


@app.command("export")
def export(
    output: Annotated[
        Path | None, typer.Option(help="The file to write (replaced only once complete).")
    ] = None,
    audience: Annotated[
        str | None,
        typer.Option(help="Who may read the file: organisation (every member) or public."),
    ] = None,
    organisation: Annotated[
        list[str] | None,
        typer.Option("--organisation", "-o", help="Organisation slug (repeat; default: all)."),
    ] = None,
    expect_decisions: Annotated[
        int, typer.Option(help="Fail (exit 1, nothing written) below this many decisions.")
    ] = 0,
    schema: Annotated[
        bool, typer.Option("--schema", help="Print the file's JSON Schema instead.")
    ] = False,
) -> None:
    """Write the closed decisions an audience may read as one versioned JSON file, to build
    the archive from (`actas archive build --from`) and to publish as open data."""
    from actas.archive.errors import ArchiveError
    from actas.archive.export import json_schema, write_export

    if schema:
        typer.echo(json.dumps(json_schema(), indent=2, sort_keys=True))
        return
    if output is None or audience is None:
        # The file leaves the database's protection: whoever writes it says who it is for.
        _fail("give --output FILE and --audience (organisation or public).")
    chosen = _audience(audience)
    slugs = tuple(organisation or ())
    try:
        exported = _run_with_database(
            _settings(),
            lambda: write_export(chosen, slugs, output, expect_decisions=expect_decisions),
        )
    except ArchiveError as error:
        _fail(str(error))
    typer.echo(str(exported))
    if exported.empty_because:
        typer.secho(
            f"The export holds no decision: {exported.empty_because}",
            fg=typer.colors.YELLOW,
            err=True,
        )


def _audience(value: str) -> Audience:
    from actas.archive.audience import Audience

    try:
        return Audience(value)
    except ValueError:
        _fail(f"--audience must be organisation or public, not {value!r}.")


async def build_archive_quietly(options: BuildOptions) -> BuildReport:
    from actas.archive.build import build_archive

    return await build_archive(options)


def _build_archive(settings: Settings, options: BuildOptions) -> BuildReport:
    """Build with a progress bar when the output is a terminal; from a file, without opening
    the database (a CI runner has none)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from actas.archive.build import Progress as BuildProgress
    from actas.archive.build import build_archive

    def run(progress: BuildProgress | None) -> BuildReport:
        if options.from_file is not None:
            return asyncio.run(build_archive(options, progress))
        return _run_with_database(settings, lambda: build_archive(options, progress))

    if not sys.stdout.isatty():
        return run(None)
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        transient=True,
    ) as bar:
        task = bar.add_task("Archiving decisions", total=None)

        class Bar(BuildProgress):
            def start(self, total: int) -> None:
                bar.update(task, total=total)

            def advance(self, count: int = 1) -> None:
                bar.advance(task, count)

        return run(Bar())


@schema_app.command("export")
def schema_export() -> None:
    """Write the SDL to schema/schema.graphql (a test fails when it drifts)."""
    from actas.schema.root import SDL_PATH, export_sdl

    SDL_PATH.write_text(export_sdl(load_settings({})))
    typer.echo(f"Wrote {SDL_PATH}")


# --- actas mail: replies by email --------------------------------------------------------------

mail_app = typer.Typer(help="Replies by email (ACTAS_REPLY_DOMAIN).", no_args_is_help=True)
app.add_typer(mail_app, name="mail")
EX_TEMPFAIL = 75  # sysexits.h: the MTA keeps the message and delivers it again later


def _mail_settings() -> Settings:
    settings = _settings()
    if not settings.reply_domain:
        typer.secho("error: set ACTAS_REPLY_DOMAIN to receive replies.", fg="red", err=True)
        raise typer.Exit(code=EX_TEMPFAIL)  # a setting to fix: keep the mail meanwhile
    return settings


@mail_app.command("receive")
def mail_receive(
    recipient: Annotated[
        str | None,
        typer.Option(help="The envelope recipient (Postfix pipe: ${recipient}); else the headers."),
    ] = None,
) -> None:
    """Handle one email read from stdin, as an MTA's pipe delivers it. Exit 0 once handled
    (refused too: actas answers the person itself), 75 to have the MTA retry (no database)."""
    from actas.api.services.reply_intake import receive

    settings = _mail_settings()
    raw = sys.stdin.buffer.read()

    async def run() -> str:
        await db.open_database(settings)
        try:
            await db.ensure_migrated()
            return str(await receive(raw, settings, recipient=recipient))
        finally:
            await db.close_database()

    try:
        typer.echo(asyncio.run(run()))
    except Exception as error:  # the database, most likely: the MTA keeps the mail and retries
        typer.secho(f"error: not handled, try later: {error!r}"[:500], fg="red", err=True)
        raise typer.Exit(code=EX_TEMPFAIL) from None


@mail_app.command("serve")
def mail_serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8025,
    lmtp: Annotated[bool, typer.Option("--lmtp", help="Speak LMTP instead of SMTP.")] = False,
) -> None:
    """Listen for replies by SMTP (or LMTP) from the MTA, until Ctrl+C or SIGTERM."""
    import logging.config
    import signal

    from actas.api.inbound_mail import serve as serve_mail
    from actas.api.observability import logging_config

    settings = _mail_settings()
    logging.config.dictConfig(logging_config(settings))

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        protocol = "LMTP" if lmtp else "SMTP"
        await serve_mail(
            settings,
            host=host,
            port=port,
            lmtp=lmtp,
            stop=stop,
            started=lambda: typer.echo(f"actas mail: {protocol} on {host}:{port}", err=True),
        )

    _run_with_database(settings, run)


def _describe(settings: Settings) -> str:
    url = settings.database_url
    if "@" in url:  # never print a password
        scheme, _, rest = url.partition("://")
        url = f"{scheme}://…@{rest.rpartition('@')[2]}"
    return url


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
