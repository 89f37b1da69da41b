"""The whole pipeline against what PostgreSQL alone needs for the same rows, and one correction end to end.

    .venv/bin/python tests/benchmarks/bench_pipeline.py --scale 1 10 [--database-url SERVER_URL]

For each `--scale`, generates the synthetic institution (seed 42, three reporting years), then measures in the
same run, each on a database of its own:

- **floor**: the same files through PostgreSQL by hand on one connection: COPY of every file into a table of
  text columns, one `create table as` per file that casts its most numeric column (guarded by a pattern, as a
  loader must) and multiplies it by a factor, then one group-by over all of them by unit. No loader or
  transformation can do less with the same rows, so `ratio` below is the overhead co2calc adds;
- **pipeline**: `run_pipeline` (what `co2calc run` does) on a fresh database, split into its phases: reference
  data and every file loaded (ingest), then `dbt build`;
- **correction**: one lab's 50 corrected flights for 2025 (`co2calc ingest --corrects`, a real process), then
  `co2calc build` (what Dagster runs after a load), until the new total is in `reporting`. It should cost what
  the change costs, whatever the history.

Each measured step runs in a child process: its peak resident memory (`ru_maxrss` of the process and the ones it
waited for, dbt included) is the step's own. Prints seconds, rows per second and the ratio to the floor. Not a
test: nothing here asserts a time.
"""

import argparse
import csv
import json
import multiprocessing
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

REPO = Path(__file__).resolve().parents[2]
CO2CALC = Path(sys.executable).parent / "co2calc"
# Unique per run: the server may be shared with other runs.
PREFIX = f"co2calc_bench_{os.getpid()}"
NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
CORRECTION_ROWS = 50


@dataclass(frozen=True)
class Step:
    seconds: float
    peak_rss_mib: float
    output: str


def run_child(command: list[str], env: dict[str, str] | None = None) -> Step:
    """Run `command`, returning its wall time, the peak RSS of it and of its waited-for children, and stdout."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=REPO, env={**os.environ, **(env or {})}, stdout=subprocess.PIPE, text=True
    )
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{output[-4000:]}")
    return Step(seconds, usage.ru_maxrss / 1024, output)


def database(admin: sa.Engine, server_url: str, name: str) -> str:
    with admin.connect() as connection:
        connection.exec_driver_sql(f'drop database if exists "{name}" with (force)')
        connection.exec_driver_sql(f'create database "{name}"')
    return sa.engine.make_url(server_url).set(database=name).render_as_string(hide_password=False)


def numeric_column(path: Path) -> tuple[list[str], int]:
    """The file's header and the index of the column whose first 200 cells look most like numbers (ids aside)."""
    with path.open(newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        counts = [0] * len(header)
        for _, row in zip(range(200), reader, strict=False):
            for index, cell in enumerate(row[: len(header)]):
                counts[index] += bool(NUMBER.match(cell))
    candidates = [i for i, name in enumerate(header) if not name.endswith("_id")] or list(range(len(header)))
    return header, max(candidates, key=lambda i: counts[i])


def floor_seconds(url: str, files: list[Path]) -> float:
    engine = sa.create_engine(url)
    started = time.perf_counter()
    with engine.begin() as connection:
        cursor = connection.connection.cursor()
        typed = []
        for number, path in enumerate(files):
            header, value_index = numeric_column(path)
            columns = ", ".join(f'"{name}" text' for name in header)
            cursor.execute(f"create table text_{number} ({columns})")
            with path.open() as handle:
                cursor.copy_expert(f"copy text_{number} from stdin with (format csv, header true)", handle)
            value, group = f'"{header[value_index]}"', f'"{header[0]}"'
            cursor.execute(
                f"create table typed_{number} as select {group} as group_code, "
                f"case when {value} ~ '{NUMBER.pattern}' then {value}::numeric end * 0.123 as kg "
                f"from text_{number}"
            )
            typed.append(f"select group_code, kg from typed_{number}")
        cursor.execute(
            f"create table totals as select group_code, sum(kg) as kg from ({' union all '.join(typed)}) as all_rows "
            "group by group_code"
        )
    seconds = time.perf_counter() - started
    engine.dispose()
    return seconds


def pipeline_worker(url: str, folder: str, state_dir: str) -> None:
    """In a child process: run_pipeline, printing when each phase starts as a JSON line."""
    from config.settings import Settings
    from pipelines.run import run_pipeline

    def step(name: str) -> None:
        print(json.dumps({"step": name, "at": time.perf_counter()}), flush=True)

    step("start")
    run_pipeline(Settings(state_dir=Path(state_dir)), url, Path(folder), on_step=step)
    step("end")


def correction_file(files: Path, out: Path) -> Path:
    """One lab's flights of 2025, 50 of them, as a correction would send them (one more trip each)."""
    with (files / "travel_planes_2025.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_unit: dict[str, list[dict]] = {}
    for row in rows:
        by_unit.setdefault(row["unit_institutional_id"], []).append(row)
    unit_rows = max(by_unit.values(), key=len)[:CORRECTION_ROWS]
    path = out / "travel_planes_2025_correction.csv"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in unit_rows:
            writer.writerow({**row, "number_of_trips": str(int(row["number_of_trips"]) + 1)})
    return path


def scalar(url: str, sql: str):
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        value = connection.exec_driver_sql(sql).scalar_one()
    engine.dispose()
    return value


def travel_2025_t(url: str) -> float:
    return float(
        scalar(
            url,
            "select sum(t_co2e) from reporting.rpt_footprint__unit_year "
            "where module_code = 'travel' and reporting_year = 2025",
        )
    )


def active_flights_load(url: str) -> int:
    return scalar(
        url,
        "select load_id from ops.loads where source_code = 'travel_planes' and reporting_year = 2025 "
        "and load_status = 'active' and corrects_load_id is null",
    )


def bench_scale(admin: sa.Engine, server_url: str, scale: float, tmp: Path) -> None:
    files = tmp / f"scale_{scale:g}"
    generator = multiprocessing.get_context("spawn").Process(
        target=_generate, args=(files, scale), name="generate"
    )
    generator.start()
    generator.join()
    delivered = sorted(files.glob("*.csv"))
    rows = sum(sum(1 for _ in path.open()) - 1 for path in delivered)
    print(f"\n## scale {scale:g}: {rows:,} rows in {len(delivered)} files")

    floor = floor_seconds(database(admin, server_url, f"{PREFIX}_floor"), delivered)

    url = database(admin, server_url, f"{PREFIX}_pipeline")
    env = {"CO2CALC_DATABASE_URL": url, "CO2CALC_STATE_DIR": str(tmp / f"state_{scale:g}")}
    full = run_child(
        [sys.executable, __file__, "--pipeline-worker", url, str(files), env["CO2CALC_STATE_DIR"]], env
    )
    at = {
        event["step"]: event["at"]
        for event in (json.loads(line) for line in full.output.splitlines() if line.startswith('{"step"'))
    }
    ingest_s = at["dbt build"] - at["start"]
    dbt_s = at["end"] - at["dbt build"]

    before_t = travel_2025_t(url)
    correction = correction_file(files, tmp)
    load_id = active_flights_load(url)
    ingest = run_child(
        [str(CO2CALC), "ingest", str(correction), "--source", "travel_planes", "--corrects", str(load_id)],
        env,
    )
    build = run_child([str(CO2CALC), "build"], env)
    after_t = travel_2025_t(url)

    print(f"{'phase':<34}{'s':>9}{'rows/s':>12}{'x floor':>9}{'peak RSS MiB':>14}")
    print(f"{'floor (COPY, cast, group-by)':<34}{floor:>9.1f}{rows / floor:>12,.0f}{1:>9.1f}{'':>14}")
    print(
        f"{'pipeline: ingest':<34}{ingest_s:>9.1f}{rows / ingest_s:>12,.0f}{ingest_s / floor:>9.1f}{'':>14}"
    )
    print(f"{'pipeline: dbt build':<34}{dbt_s:>9.1f}{'':>12}{dbt_s / floor:>9.1f}{'':>14}")
    print(
        f"{'pipeline: total (process)':<34}{full.seconds:>9.1f}{rows / full.seconds:>12,.0f}"
        f"{full.seconds / floor:>9.1f}{full.peak_rss_mib:>14.0f}"
    )
    print(
        f"{'correction: co2calc ingest':<34}{ingest.seconds:>9.1f}{'':>12}{'':>9}{ingest.peak_rss_mib:>14.0f}"
    )
    print(f"{'correction: co2calc build':<34}{build.seconds:>9.1f}{'':>12}{'':>9}{build.peak_rss_mib:>14.0f}")
    print(f"{'correction: total':<34}{ingest.seconds + build.seconds:>9.1f}")
    print(
        f"travel 2025 in reporting: {before_t:,.3f} t before the correction, {after_t:,.3f} t after "
        f"({'visible' if after_t != before_t else 'NOT visible'})"
    )


def _generate(files: Path, scale: float) -> None:
    from ingest.synthetic import generate_institution

    generate_institution(files, scale=scale, seed=42)


def main() -> None:
    if sys.argv[1:2] == ["--pipeline-worker"]:
        pipeline_worker(*sys.argv[2:5])
        return
    from config.settings import get_settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, nargs="+", default=[1.0, 10.0])
    parser.add_argument("--database-url", default=get_settings().test_database_url)
    args = parser.parse_args()
    if args.database_url is None:
        raise SystemExit("--database-url (or CO2CALC_TEST_DATABASE_URL) names the PostgreSQL server to use")
    admin = sa.create_engine(args.database_url, isolation_level="AUTOCOMMIT")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for scale in args.scale:
                bench_scale(admin, args.database_url, scale, Path(tmp))
    finally:
        with admin.connect() as connection:
            for suffix in ("floor", "pipeline"):
                connection.exec_driver_sql(f'drop database if exists "{PREFIX}_{suffix}" with (force)')
        admin.dispose()


if __name__ == "__main__":
    main()
