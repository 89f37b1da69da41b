"""What-ifs beside the headline, never instead of it (issue 10, item 3).

A what-if builds another calculation profile (seed_factor_set_bindings) from the same raw rows into schemas of
its own, `whatif_<profile>_staging` ... `whatif_<profile>_reporting` and `whatif_<profile>_reference` for its
seeds (dbt/macros/generate_schema_name.sql), always as a full build with every dbt test, unit tests included.
It takes no part in the headline's builds: no build lock, no `ops.builds` row, and dbt's partition macros
ignore the headline's running build (dbt/macros/partitions.sql, changed_years). Its reporting tables get the
dashboard role's grant and row-level security from the same post-hook as the headline's.

The build is recorded in its own reporting schema, in `whatif_build` (one row: profile, year, start, end,
seconds, dbt invocation id, the row count of every marts and reporting table, keyed `marts.fct_emissions`),
which the dashboard's role reads. The row is dropped before dbt starts and written once every test passed, so a
what-if that is running or failed is not offered as built.
"""

import csv
import getpass
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from config.settings import get_settings
from pipelines.warehouse import dbt_connection_env, engine_for

HEADLINE_PROFILE = "ch_default"
RECORD_TABLE = "whatif_build"
# The dbt output lines kept for a failed build's message.
FAILURE_TAIL_LINES = 40


class WhatIfRefused(Exception):
    """The what-if cannot start (unknown profile, one already running); the message says why."""


@dataclass(frozen=True)
class WhatIfBuild:
    profile_code: str
    reporting_year: int | None
    succeeded: bool
    build_seconds: float
    # dbt's last lines when it failed; its summary line (`Done. PASS=... ERROR=0 ...`) when it passed.
    dbt_output: str
    # Rows of every table of the what-if's marts and reporting schemas, keyed `<layer>.<table>` like the headline's
    # (`marts.fct_emissions`); empty on failure.
    table_row_counts: dict[str, int]


def shipped_profiles(project_dir: Path) -> list[str]:
    """The profiles seed_factor_set_bindings binds, the headline's among them."""
    with (project_dir / "seeds" / "seed_factor_set_bindings.csv").open(newline="") as bindings:
        return sorted({row["profile_code"] for row in csv.DictReader(bindings)})


def whatif_schema_prefix(profile_code: str) -> str:
    return f"whatif_{profile_code}_"


def whatif_schema(profile_code: str, layer: str) -> str:
    return f"{whatif_schema_prefix(profile_code)}{layer}"


# One what-if of a profile at a time (two would drop each other's tables); what-ifs of different profiles and
# the headline's builds run at once.
TRY_LOCK = sa.text("select pg_try_advisory_lock(hashtext('co2calc.whatif.' || :profile))")
UNLOCK = sa.text("select pg_advisory_unlock(hashtext('co2calc.whatif.' || :profile))")


def _run_dbt(
    database_url: str, profile_code: str, reporting_year: int | None, on_line: Callable[[str], None]
) -> tuple[int, list[str]]:
    project_dir = get_settings().dbt_project_dir
    dbt_vars = {
        "calc_profile": profile_code,
        "whatif_schema_prefix": whatif_schema_prefix(profile_code),
        "whatif_reporting_year": reporting_year,
    }
    command = [
        str(Path(sys.executable).parent / "dbt"),
        "build",
        "--full-refresh",
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(project_dir),
        # A target folder of its own: the headline's (target/builds) keeps its partial parse, which other vars
        # would invalidate (7.5 s against 2.9 s a build, dbt/macros/partitions.sql).
        "--target-path",
        str(Path("target") / "whatif" / profile_code),
        "--vars",
        json.dumps(dbt_vars),
    ]
    lines: list[str] = []
    with subprocess.Popen(  # noqa: S603 dbt with the code's own arguments, no shell
        command,
        env={**os.environ, **dbt_connection_env(database_url)},
        cwd=project_dir,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as dbt:
        assert dbt.stdout is not None  # noqa: S101 narrows the type: stdout=PIPE sets it
        for line in dbt.stdout:
            lines.append(line.rstrip("\n"))
            on_line(lines[-1])
    return dbt.returncode, lines


ROW_COUNTS_SQL = sa.text(
    """
    select
        substr(tables.table_schema, length(:schema_prefix) + 1) || '.' || tables.table_name as table_name,
        (xpath('/row/row_count/text()', query_to_xml(
            format('select count(*) as row_count from %I.%I', tables.table_schema, tables.table_name),
            false, true, ''
        )))[1]::text::bigint as row_count
    from information_schema.tables as tables
    where tables.table_schema = any(:schemas) and tables.table_type = 'BASE TABLE'
        and tables.table_name <> :record_table
    order by 1
    """
)


def _record(
    connection: sa.Connection,
    profile_code: str,
    reporting_year: int | None,
    started_at: datetime,
    build_seconds: float,
    row_counts: dict[str, int],
) -> None:
    preparer = connection.dialect.identifier_preparer
    record = f"{preparer.quote_schema(whatif_schema(profile_code, 'reporting'))}.{RECORD_TABLE}"
    connection.exec_driver_sql(
        f"create table {record} (profile_code text not null, reporting_year integer, "
        "dbt_invocation_id text not null, started_at timestamptz not null, finished_at timestamptz not null, "
        "build_seconds numeric not null, table_row_counts jsonb not null, built_by text not null)"
    )
    connection.execute(
        sa.text(
            f"insert into {record} select :profile, :year, latest.dbt_invocation_id, :started_at, now(), "  # noqa: S608 a profile's schema checked against the shipped profiles, quoted
            ":seconds, cast(:row_counts as jsonb), :built_by "
            f"from {preparer.quote_schema(whatif_schema(profile_code, 'reporting'))}.rpt_build__latest as latest"
        ),
        {
            "profile": profile_code,
            "year": reporting_year,
            "started_at": started_at,
            "seconds": round(build_seconds, 1),
            "row_counts": json.dumps(row_counts),
            "built_by": getpass.getuser(),
        },
    )
    connection.exec_driver_sql(
        f"grant select on {record} to {preparer.quote(get_settings().dashboard_db_role)}"
    )


def build_whatif(
    database_url: str,
    profile_code: str,
    reporting_year: int | None = None,
    on_line: Callable[[str], None] = lambda _line: None,
) -> WhatIfBuild:
    """Build `profile_code` beside the headline (every year, or `reporting_year` only) and record it."""
    profiles = shipped_profiles(get_settings().dbt_project_dir)
    if profile_code not in profiles:
        raise WhatIfRefused(
            f"unknown profile {profile_code!r}: dbt/seeds/seed_factor_set_bindings.csv binds "
            f"{', '.join(profiles)}"
        )
    if profile_code == HEADLINE_PROFILE:
        raise WhatIfRefused(
            f"{HEADLINE_PROFILE} is the headline profile, built by `co2calc build`; a what-if is another profile: "
            f"{', '.join(p for p in profiles if p != HEADLINE_PROFILE)}"
        )
    engine = engine_for(database_url)
    reporting = engine.dialect.identifier_preparer.quote_schema(whatif_schema(profile_code, "reporting"))
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as lock:
            if not lock.execute(TRY_LOCK, {"profile": profile_code}).scalar_one():
                raise WhatIfRefused(
                    f"a what-if of {profile_code} is being built already; try again when it ends"
                )
            try:
                with engine.begin() as connection:
                    connection.exec_driver_sql(f"drop table if exists {reporting}.{RECORD_TABLE}")
                started_at = datetime.now(UTC)
                clock = time.monotonic()
                returncode, lines = _run_dbt(database_url, profile_code, reporting_year, on_line)
                build_seconds = time.monotonic() - clock
                if returncode != 0:
                    return WhatIfBuild(
                        profile_code,
                        reporting_year,
                        False,
                        build_seconds,
                        "\n".join(lines[-FAILURE_TAIL_LINES:]),
                        {},
                    )
                with engine.begin() as connection:
                    row_counts = {
                        row.table_name: int(row.row_count)
                        for row in connection.execute(
                            ROW_COUNTS_SQL,
                            {
                                "schemas": [
                                    whatif_schema(profile_code, layer) for layer in ("marts", "reporting")
                                ],
                                "record_table": RECORD_TABLE,
                                "schema_prefix": whatif_schema_prefix(profile_code),
                            },
                        )
                    }
                    _record(connection, profile_code, reporting_year, started_at, build_seconds, row_counts)
                summary = next((line for line in reversed(lines) if "Done. PASS=" in line), "")
                return WhatIfBuild(
                    profile_code, reporting_year, True, build_seconds, summary.strip(), row_counts
                )
            finally:
                lock.execute(UNLOCK, {"profile": profile_code})
    finally:
        engine.dispose()
