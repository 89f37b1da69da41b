"""The one place co2calc reads its environment.

Every setting has a default here or under `config/`; the environment overrides it with the
prefix `CO2CALC_` (for example `CO2CALC_DATABASE_URL`). Nothing else in the code base reads
`os.environ`: other modules take a `Settings` object, usually from `get_settings()`.
"""

import math
import os
from collections import Counter
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = REPO_ROOT / "config"


def _require_driver(url: str | None) -> str | None:
    """Refuse a database URL that leaves the driver to SQLAlchemy's default.

    SQLAlchemy 2.1 switches the default `postgresql://` driver to psycopg 3, which breaks
    dagster-postgres (ARCHITECTURE.md §8); naming the driver keeps every URL unambiguous.
    """
    if url is not None and url.startswith("postgresql://"):
        raise ValueError(f"database URL {url!r} must name its driver, e.g. 'postgresql+psycopg2://...'")
    return url


# Public demo values: fine against the local demo provider, refused against a real one (see below).
DEMO_OIDC_CLIENT_SECRET = "co2calc-demo-secret"  # noqa: S105 the demo's published secret, refused outside the demo
DEMO_OIDC_COOKIE_SECRET = "co2calc-demo-cookie-secret-change-me"  # noqa: S105 the demo's published secret, refused outside the demo
# What the example files and tutorials put where a secret goes: never a secret.
PLACEHOLDER_MARKS = ("change-me", "changeme", "change_me", "placeholder", "example", "your-", "xxxx")
# The cookie secret signs every login session, the scope-signing secret every dashboard query's scope: at least 32
# characters and 128 bits by the entropy of their own characters (`python -c "import secrets; print(secrets.token_urlsafe(32))"`
# gives 43 characters, ~220 bits).
SECRET_MIN_CHARACTERS = 32
SECRET_MIN_BITS = 128


def estimated_entropy_bits(secret: str) -> float:
    """Shannon entropy of the secret's own character frequencies, times its length: a floor for what a guesser
    must search when the secret came from a generator, and near zero for repeated or dictionary-like strings."""
    counts = Counter(secret)
    return -sum(n * math.log2(n / len(secret)) for n in counts.values())


def _is_placeholder(secret: str) -> bool:
    lowered = secret.lower()
    return secret in (DEMO_OIDC_CLIENT_SECRET, DEMO_OIDC_COOKIE_SECRET) or any(
        mark in lowered for mark in PLACEHOLDER_MARKS
    )


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CO2CALC_", extra="ignore")

    # Warehouse. Unset: the demo and the tests start an embedded PostgreSQL under `state_dir`.
    database_url: str | None = None
    # A server the integration tests may use instead of an embedded one (CI uses the machine's).
    test_database_url: str | None = None
    # Redis for the dashboard's query cache; unset: an in-process cache.
    redis_url: str | None = None
    # A Redis the integration tests may use (a database number of their own; CI has Redis on 6379).
    test_redis_url: str = "redis://127.0.0.1:6379/15"
    # The role every dashboard query runs as (`set local role`): SELECT on `reporting` only, rows limited by
    # row-level security. dbt's hook creates it and its policies under the same variable
    # (dbt/macros/reporting_row_security.sql); in production it is also the login role (deploy/postgres/init/).
    dashboard_db_role: str = "co2calc_dashboard"
    # The role the dashboard switches to for data stewards and admins (config/roles.yaml `reads_ops`): USAGE on
    # `ops` and SELECT on ops.loads, ops.rejects, ops.audit_log and ops.feed_cursors only, never `raw` nor the
    # person-key secret. `co2calc migrate` creates it and its grants with the ops schema (ingest/migrate.py); in
    # compose it is a login role of its own, `steward_database_url` (deploy/postgres/init/).
    steward_db_role: str = "co2calc_steward"
    # The stewards' own login (compose: the role co2calc_steward itself), used for the load ledger only, so the
    # dashboard's login never holds a role that reads `ops`. Unset: `database_url`, switching to `steward_db_role`
    # as the demo's owner login does (dashboard/README.md "Stewards read ops").
    steward_database_url: str | None = None
    # The key of the HMAC that signs each dashboard transaction's unit scope (dashboard/data/scope.py); the
    # warehouse keeps a copy that no dashboard role can read (`co2calc migrate` stores it, migration 0005) and
    # accepts a scope only with its signature. The dashboard and `co2calc migrate` must have the same value.
    # Unset: the warehouse keeps the random key migration 0005 made, and only a login that may read it (the demo's
    # owner) can sign; with a real login provider it must be set. Never shown (SecretStr).
    scope_signing_secret: SecretStr | None = None
    # Memory PostgreSQL may give each sort or hash of a dbt build before it spills to disk (`work_mem` of dbt's
    # sessions only). PostgreSQL's 4 MB default spilled the footprint aggregation at scale 1 (54 MB sort on
    # disk); 256 MB keeps it in memory (2.15 -> 1.76 s). A build runs two threads, each with a few such nodes.
    dbt_work_mem: str = Field(default="256MB", pattern=r"^[0-9]+(kB|MB|GB)$")

    # Where the local runtime keeps its state: embedded PostgreSQL data, Dagster home, demo files.
    state_dir: Path = REPO_ROOT / ".co2calc"
    # Folder watched by the inbox sensor; files are routed to a source by their name.
    inbox_dir: Path = REPO_ROOT / ".co2calc" / "inbox"
    # Where `co2calc backup` writes the warehouse's dumps and their manifests (pipelines/backup.py).
    backup_dir: Path = REPO_ROOT / ".co2calc" / "backups"
    # What a delivered file may hold (ingest/file_limits.py); beyond a cap the file is refused whole (FILE_FORMAT)
    # before it is read into memory. A cell: Excel's own limit. A workbook's cells: rows x columns of a sheet's
    # declared range, which calamine allocates whole; its parts: the uncompressed size of a sheet or the shared
    # strings. Bigger data goes as CSV, which is streamed.
    max_cell_chars: int = Field(32_767, gt=0)
    max_line_chars: int = Field(1 << 20, gt=0)
    max_workbook_cells: int = Field(10_000_000, gt=0)
    max_workbook_part_bytes: int = Field(256 << 20, gt=0)
    # An S3-compatible bucket watched like the inbox folder (ingest/s3_inbox.py): the objects directly under
    # `s3_inbox_prefix` are routed by name. Unset bucket: no S3 inbox. Unset endpoint: AWS S3 itself (set it for
    # MinIO, Ceph, SWITCH or moto); unset keys: boto3's own chain (AWS_* variables, an instance role).
    s3_inbox_bucket: str | None = None
    s3_inbox_prefix: str = ""
    s3_inbox_endpoint_url: str | None = None
    s3_inbox_region: str | None = None
    s3_inbox_access_key_id: str | None = None
    s3_inbox_secret_access_key: SecretStr | None = None

    # Reporting years the pipelines partition by (calendar years, METHODOLOGY.md §1.2).
    first_reporting_year: int = 2019
    last_reporting_year: int = 2030

    # Retention (METHODOLOGY.md §2.3, ingest/retention.py), in reporting years before the current one: the reference
    # institution keeps travel detail (one row per trip, with the traveller, date and route) 5 years and its inputs
    # and results 10. Older travel detail is purged once its emissions are frozen as aggregates; older years go whole.
    travel_detail_retention_years: int = 5
    results_retention_years: int = 10

    dbt_project_dir: Path = REPO_ROOT / "dbt"
    roles_file: Path = CONFIG_DIR / "roles.yaml"
    # Per-person comparison lines and population projection, with their sources (config/institution.py).
    institution_file: Path = CONFIG_DIR / "institution.yaml"
    demo_users_file: Path = CONFIG_DIR / "demo_users.yaml"
    # System feeds (HTTP APIs, SQL databases) pulled on schedules; secrets are named there, never written.
    feeds_file: Path = CONFIG_DIR / "feeds.yaml"
    # How often each source and feed is expected to arrive (freshness checks, the data-quality page).
    cadences_file: Path = CONFIG_DIR / "cadences.yaml"

    # Dashboard login (OpenID Connect through st.login): the provider's metadata URL, or, for the demo only,
    # `oidc_demo_provider` (the oidc-provider-mock on `oidc_port` that `co2calc demo` and `co2calc dashboard`
    # start and turn this on for). Neither: the dashboard refuses to start, rather than trust whatever answers
    # on the demo port.
    oidc_metadata_url: str | None = None
    oidc_demo_provider: bool = False
    oidc_client_id: str = "co2calc-dashboard"
    oidc_client_secret: str = DEMO_OIDC_CLIENT_SECRET
    oidc_cookie_secret: str = DEMO_OIDC_COOKIE_SECRET
    # Dashboard session expiry (dashboard/session.py). Streamlit keeps the login's identity cookie 30 days, with
    # the groups and units the provider sent at login: the absolute lifetime, counted from the ID token's `iat`,
    # sends everyone back through the provider once a working day, so a changed role or a departure takes effect
    # by the next morning. The idle time ends a session left open on an unattended screen after a meeting's length.
    session_idle_minutes: int = Field(30, gt=0)
    session_max_hours: int = Field(12, gt=0)
    # Port of the embedded PostgreSQL the demo starts when `database_url` is unset.
    embedded_postgres_port: int = 54329
    dashboard_port: int = 8501
    # Address the dashboard listens on: the loopback for the demo, 0.0.0.0 in a container.
    dashboard_address: str = "127.0.0.1"
    # Where browsers reach the dashboard when a proxy sits in front (compose: http://dashboard.localhost);
    # unset: the dashboard port on the loopback address.
    dashboard_public_url: str | None = None
    dagster_port: int = 3000
    oidc_port: int = 9400

    # Size of the institution `co2calc demo` generates (1 = ~500 labs); the demo test makes it small.
    demo_scale: float = 1.0

    # Where a failed Dagster run is announced (pipelines/defs/alerts): a webhook receiving a JSON POST (Slack,
    # Teams, Mattermost or any HTTP endpoint) and/or e-mail through an SMTP server. Unset: logged only.
    alert_webhook_url: str | None = None
    alert_smtp_host: str | None = None
    alert_smtp_port: int = 25
    alert_smtp_starttls: bool = False
    alert_smtp_user: str | None = None
    alert_smtp_password: str | None = None
    alert_email_from: str = "co2calc@localhost"
    # Recipients, as a JSON list: CO2CALC_ALERT_EMAIL_TO='["steward@example.org"]'.
    alert_email_to: tuple[str, ...] = ()
    # Public address of the Dagster UI, for links in alerts; unset: the local UI on `dagster_port`.
    dagster_public_url: str | None = None

    # Bounded caches of the dashboard (seconds, entries); with Redis, the TTL of every key.
    dashboard_cache_ttl_s: int = 600
    dashboard_cache_max_entries: int = 256

    @model_validator(mode="after")
    def _login_secrets_of_this_deployment(self) -> "Settings":
        # The cookie secret signs the login session: a value published in this repository or an example file,
        # or one short or repetitive enough to guess, would let anyone forge a session of any role. The client
        # secret proves the dashboard to the provider. With the demo provider (no metadata URL) both are the
        # demo's; with a real provider both must be this deployment's own.
        if self.oidc_metadata_url is None:
            return self
        cookie = self.oidc_cookie_secret
        if _is_placeholder(cookie):
            raise ValueError(
                "CO2CALC_OIDC_COOKIE_SECRET must be set to a secret of this deployment when "
                "CO2CALC_OIDC_METADATA_URL is (it holds the demo's or an example's value)"
            )
        if len(cookie) < SECRET_MIN_CHARACTERS or estimated_entropy_bits(cookie) < SECRET_MIN_BITS:
            raise ValueError(
                f"CO2CALC_OIDC_COOKIE_SECRET is too weak: it needs at least {SECRET_MIN_CHARACTERS} "
                f"characters and {SECRET_MIN_BITS} bits of entropy (it has {len(cookie)} characters, "
                f"~{estimated_entropy_bits(cookie):.0f} bits); generate one with "
                '`python -c "import secrets; print(secrets.token_urlsafe(32))"`'
            )
        if _is_placeholder(self.oidc_client_secret):
            raise ValueError(
                "CO2CALC_OIDC_CLIENT_SECRET must be the secret your provider issued for the dashboard when "
                "CO2CALC_OIDC_METADATA_URL is set (it holds the demo's or an example's value)"
            )
        if self.scope_signing_secret is None:
            raise ValueError(
                "CO2CALC_SCOPE_SIGNING_SECRET must be set when CO2CALC_OIDC_METADATA_URL is (the same value as "
                "for `co2calc migrate`); generate one with "
                '`python -c "import secrets; print(secrets.token_urlsafe(32))"`'
            )
        return self

    @model_validator(mode="after")
    def _scope_signing_secret_is_strong(self) -> "Settings":
        # Whoever knows this key can sign any scope as the dashboard's role: the same rules as the cookie secret,
        # wherever it is set (`co2calc migrate` stores it in the warehouse).
        if self.scope_signing_secret is None:
            return self
        secret = self.scope_signing_secret.get_secret_value()
        if _is_placeholder(secret):
            raise ValueError(
                "CO2CALC_SCOPE_SIGNING_SECRET holds an example's value: set a secret of this deployment"
            )
        if len(secret) < SECRET_MIN_CHARACTERS or estimated_entropy_bits(secret) < SECRET_MIN_BITS:
            raise ValueError(
                f"CO2CALC_SCOPE_SIGNING_SECRET is too weak: it needs at least {SECRET_MIN_CHARACTERS} "
                f"characters and {SECRET_MIN_BITS} bits of entropy (it has {len(secret)} characters, "
                f"~{estimated_entropy_bits(secret):.0f} bits); generate one with "
                '`python -c "import secrets; print(secrets.token_urlsafe(32))"`'
            )
        return self

    @field_validator(
        "s3_inbox_bucket",
        "s3_inbox_endpoint_url",
        "s3_inbox_region",
        "s3_inbox_access_key_id",
        "s3_inbox_secret_access_key",
        "steward_database_url",
        "scope_signing_secret",
        mode="before",
    )
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        # docker-compose passes a variable left out of .env as an empty string: unset (the S3 inbox stays off).
        return value or None

    @model_validator(mode="after")
    def _results_outlive_travel_detail(self) -> "Settings":
        # Frozen travel aggregates are results: they must not be purged before the detail they replace.
        if self.results_retention_years < self.travel_detail_retention_years:
            raise ValueError(
                f"CO2CALC_RESULTS_RETENTION_YEARS ({self.results_retention_years}) must be at least "
                f"CO2CALC_TRAVEL_DETAIL_RETENTION_YEARS ({self.travel_detail_retention_years})"
            )
        return self

    @field_validator("database_url", "test_database_url", "steward_database_url")
    @classmethod
    def _url_names_driver(cls, url: str | None) -> str | None:
        return _require_driver(url)

    @property
    def reporting_years(self) -> list[int]:
        return list(range(self.first_reporting_year, self.last_reporting_year + 1))

    @property
    def dagster_home(self) -> Path:
        return self.state_dir / "dagster_home"

    @property
    def oidc_server_metadata_url(self) -> str:
        if self.oidc_metadata_url is not None:
            return self.oidc_metadata_url
        if self.oidc_demo_provider:
            return f"http://127.0.0.1:{self.oidc_port}/.well-known/openid-configuration"
        raise ValueError(
            "no login provider: set CO2CALC_OIDC_METADATA_URL to your OpenID provider's metadata URL "
            "(or CO2CALC_OIDC_DEMO_PROVIDER=true to log in through the demo provider on this machine)"
        )

    @property
    def dashboard_redirect_uri(self) -> str:
        base_url = self.dashboard_public_url or f"http://127.0.0.1:{self.dashboard_port}"
        return f"{base_url.rstrip('/')}/oauth2callback"


def secret_from_environment(variable: str) -> str:
    """The value of a secret that configuration names by its environment variable (config/feeds.yaml)."""
    value = os.environ.get(variable)
    if not value:
        raise ValueError(
            f"environment variable {variable} is not set (a secret named in the feed configuration)"
        )
    return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
