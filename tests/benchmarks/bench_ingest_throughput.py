"""Ingest throughput: co2calc's load of a generated flights file against a bare COPY of the same file.

    .venv/bin/python tests/benchmarks/bench_ingest_throughput.py --scale 10 [--database-url URL]

Prints rows per second and peak memory of `ingest.load.load_file` (read, validate with Great
Expectations, COPY, rejects, registry) and of the baseline measured in the same run: PostgreSQL's own
`COPY ... FROM STDIN` of the file into an untyped table, which no loader can beat. The ratio is the
figure to watch; absolute numbers depend on the machine. Not a test: nothing here asserts a time.
"""

import argparse
import multiprocessing
import resource
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from config.settings import get_settings
from ingest.load import load_file, load_reference_data
from ingest.synthetic import generate_institution
from pipelines.local_postgres import LocalPostgres, free_port


def bare_copy_seconds(engine: sa.Engine, path: Path) -> float:
    header = path.read_text().splitlines()[0].split(",")
    columns = ", ".join(f'"{name}" text' for name in header)
    started = time.perf_counter()
    with engine.begin() as connection:
        cursor = connection.connection.cursor()
        cursor.execute(f"create temporary table bare_copy ({columns})")
        with path.open() as handle:
            cursor.copy_expert("copy bare_copy from stdin with (format csv, header true)", handle)
    return time.perf_counter() - started


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=10.0)
    parser.add_argument("--database-url", default=get_settings().test_database_url)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        server = None
        url = args.database_url
        if url is None:
            server = LocalPostgres(folder / "pgdata", free_port()).start()
            url = server.url
        admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql("drop database if exists co2calc_bench")
            connection.exec_driver_sql("create database co2calc_bench")
        engine = sa.create_engine(sa.engine.make_url(url).set(database="co2calc_bench"))
        try:
            # Generated in a child process, so that this process's peak memory is the load's.
            generator = multiprocessing.get_context("spawn").Process(
                target=generate_institution,
                args=(folder / "files",),
                kwargs={"scale": args.scale, "seed": 42, "years": (2025,)},
            )
            generator.start()
            generator.join()
            planes = folder / "files" / "travel_planes_2025.csv"
            rows = sum(1 for _ in planes.open()) - 1
            load_reference_data(engine)
            load_file(engine, folder / "files" / "units.csv", "units", loaded_by="benchmark")
            baseline_s = bare_copy_seconds(engine, planes)
            rss_before = peak_rss_mib()
            started = time.perf_counter()
            result = load_file(engine, planes, "travel_planes", reporting_year=2025, loaded_by="benchmark")
            co2calc_s = time.perf_counter() - started
            print(
                f"file: {planes.name}, {rows:,} rows, {planes.stat().st_size / 2**20:.1f} MiB, scale {args.scale}"
            )
            print(f"bare COPY (baseline): {baseline_s:6.2f} s  {rows / baseline_s:12,.0f} rows/s")
            print(
                f"co2calc load_file:    {co2calc_s:6.2f} s  {rows / co2calc_s:12,.0f} rows/s  "
                f"({result.rows_accepted:,} accepted, {result.rows_rejected:,} rejected)"
            )
            print(f"ratio co2calc / baseline time: {co2calc_s / baseline_s:.1f}x")
            print(
                f"peak RSS of this process: {peak_rss_mib():.0f} MiB (before the load: {rss_before:.0f} MiB)"
            )
        finally:
            engine.dispose()
            with admin.connect() as connection:
                connection.exec_driver_sql("drop database if exists co2calc_bench with (force)")
            admin.dispose()
            if server is not None:
                server.destroy()


if __name__ == "__main__":
    main()
