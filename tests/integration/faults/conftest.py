"""Fault drills (issue 11): `co2calc ingest` in real processes, killed, run at once, or cut off from its database.

Each drill ends by checking the load ledger as a steward would rely on it (`ledger_violations`): every row of an
active load is in raw exactly once, no row of another load is, one active load per scope, and one audit entry per
settled load and per replacement, with the load's own counts.
"""

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from ingest.contracts import SOURCES
from ingest.load import load_file, load_reference_data

FIXTURES = Path(__file__).parents[2] / "fixtures"
CO2CALC = str(Path(sys.executable).parent / "co2calc")
# Labs (level 4) of tests/fixtures/units/small_institution.csv.
LABS = ("11110", "12110")
FLIGHTS_HEADER = "unit_institutional_id,origin_iata,destination_iata,user_institutional_id,departure_date,number_of_trips,cabin_class,note,kg_co2eq\n"


def flights_file(
    path: Path,
    rows: int,
    *,
    version: str = "v1",
    unit: str | None = None,
    year: int = 2025,
    unknown_airports: int = 0,
) -> Path:
    """`rows` valid flights of `year`, with `version` in every note so two versions differ, then `unknown_airports`
    flights to an airport that does not exist (refused, TRAVEL_UNKNOWN_IATA: the load writes ops.rejects too); an
    end-user file (no unit column) when `unit` is given."""
    lines = []
    for n in range(rows):
        lab = unit or LABS[n % 2]
        cells = [
            lab,
            "GVA",
            "CDG",
            f"{150000 + n % 997}",
            f"{year}-{1 + n % 12:02d}-{1 + n % 28:02d}",
            "1",
            "economy",
            f"{version} {n}",
            "",
        ]
        lines.append(",".join(cells[1:] if unit else cells))
    for n in range(unknown_airports):
        cells = [
            unit or LABS[0],
            "GVA",
            "QQQ",
            "150000",
            f"{year}-01-01",
            "1",
            "economy",
            f"{version} bad {n}",
            "",
        ]
        lines.append(",".join(cells[1:] if unit else cells))
    header = FLIGHTS_HEADER.split(",", 1)[1] if unit else FLIGHTS_HEADER
    path.write_text(header + "\n".join(lines) + "\n")
    return path


def co2calc(database_url: str, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    """`co2calc ARGS` started in its own process against `database_url` (and the variables `env`)."""
    env = {**os.environ, "CO2CALC_DATABASE_URL": database_url, "COLUMNS": "200", **(env or {})}
    return subprocess.Popen(
        [CO2CALC, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def finish(process: subprocess.Popen, timeout_s: float = 50) -> tuple[int, str, str]:
    stdout, stderr = process.communicate(timeout=timeout_s)
    return process.returncode, stdout, stderr


@contextlib.contextmanager
def copy_held(database_url: str, table: str) -> Iterator[None]:
    """A session holding `table` in share mode: a load's COPY into it waits in place, its transaction open, until
    the session ends or the server stops. A drill then strikes mid-load however fast the machine is (unheld, a
    load on a quiet machine could finish between the COPY being seen and the strike)."""
    engine = sa.create_engine(database_url, poolclass=NullPool)
    connection = engine.connect()
    try:
        connection.exec_driver_sql(f"lock table {table} in share mode")
        yield
    finally:
        with contextlib.suppress(sa.exc.DBAPIError):
            connection.close()
        engine.dispose()


def wait_for_copy(database_url: str, table: str, timeout_s: float = 40) -> None:
    """Wait until a session of the database is copying rows into `table` (a load in the middle of its COPY)."""
    engine = sa.create_engine(database_url)
    deadline = time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline:
            with engine.connect() as connection:
                copying = connection.execute(
                    sa.text(
                        "select count(*) from pg_stat_activity where datname = current_database() "
                        "and query ilike :copy and pid <> pg_backend_pid()"
                    ),
                    {"copy": f"copy {table} %"},
                ).scalar_one()
            if copying:
                return
            time.sleep(0.05)
    finally:
        engine.dispose()
    raise AssertionError(f"no load copied into {table} within {timeout_s} s")


def ledger_violations(database_url: str) -> list[str]:
    """What breaks the load ledger's promises, written independently of ingest/load.py; [] when none does."""
    engine = sa.create_engine(database_url)
    found: list[str] = []
    with engine.connect() as connection:
        for contract in SOURCES.values():
            table = contract.raw_table
            for row in connection.execute(
                sa.text(
                    f"select loads.load_id, loads.load_status, loads.rows_accepted, count(raw._load_id) as in_raw "
                    f"from ops.loads as loads left join {table} as raw on raw._load_id = loads.load_id "
                    "where loads.source_code = :source group by loads.load_id"
                ),
                {"source": contract.source_code},
            ):
                expected = row.rows_accepted if row.load_status == "active" else 0
                if row.in_raw != expected:
                    found.append(
                        f"load {row.load_id} ({row.load_status}) has {row.in_raw} rows in {table}, not {expected}"
                    )
            orphans = connection.execute(
                sa.text(f"select count(*) from {table} where _load_id not in (select load_id from ops.loads)")
            ).scalar_one()
            if orphans:
                found.append(f"{orphans} rows of {table} belong to no load")
        for row in connection.execute(
            sa.text(
                "select source_code, reporting_year, unit_scope, count(*) as active from ops.loads "
                "where load_status = 'active' and corrects_load_id is null and feed_name is null "
                "group by 1, 2, 3 having count(*) > 1"
            )
        ):
            found.append(
                f"{row.active} active loads for {row.source_code} {row.reporting_year} {row.unit_scope}"
            )
        for row in connection.execute(
            sa.text("""
                select loads.load_id, loads.load_status, loads.finished_at is not null as is_finished,
                    loads.rows_accepted,
                    count(*) filter (where audit.audit_action in ('loaded', 'refused')) as settled,
                    count(*) filter (where audit.audit_action = 'replaced') as replaced,
                    bool_and(audit.rows_accepted = loads.rows_accepted) as same_counts
                from ops.loads as loads left join ops.audit_log as audit on audit.load_id = loads.load_id
                group by loads.load_id
            """)
        ):
            if row.settled != (1 if row.is_finished else 0):
                found.append(f"load {row.load_id} has {row.settled} loaded/refused audit entries")
            if row.replaced != (1 if row.load_status == "replaced" else 0):
                found.append(
                    f"load {row.load_id} ({row.load_status}) has {row.replaced} replaced audit entries"
                )
            if row.settled and not row.same_counts:
                found.append(f"load {row.load_id}: the audit log's row counts differ from the load's")
    engine.dispose()
    return found


def loads(database_url: str) -> list[sa.Row]:
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "select load_id, source_code, unit_scope, load_status, rows_accepted, file_name "
                "from ops.loads order by load_id"
            )
        ).all()
    engine.dispose()
    return rows


def raw_count(database_url: str, table: str) -> int:
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        count = connection.execute(sa.text(f"select count(*) from {table}")).scalar_one()
    engine.dispose()
    return count


def one_sentence(stderr: str) -> str:
    """The error a drill's failed command printed: one line, no traceback."""
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    assert len(lines) == 1, stderr.splitlines()
    assert "Traceback" not in stderr
    return lines[0]


def prepare(database_url: str) -> None:
    """The reference data and the unit tree, which flights are checked against."""
    engine = sa.create_engine(database_url)
    load_reference_data(engine)
    load_file(engine, FIXTURES / "units/small_institution.csv", "units", loaded_by="test")
    engine.dispose()


@pytest.fixture
def warehouse(fresh_database_url: str) -> Iterator[str]:
    """A migrated warehouse with the reference data and the unit tree."""
    prepare(fresh_database_url)
    yield fresh_database_url
