"""Ingest throughput and memory: co2calc's load of a generated flights file against a bare COPY of the same file.

    .venv/bin/python tests/benchmarks/bench_ingest_throughput.py --scale 10 --copies 1 4 [--database-url URL]

The flights file of a generated institution (`--scale`) is loaded as it is and as files holding its rows
`--copies` times (a flights file has no unique key, so each copy is as much work as the first; the generator
itself fails at scale 40, its inventory numbers running out). For each file, prints rows per second of
`ingest.load.load_file` (read, validate, COPY, rejects, registry) and of the baseline
measured in the same run: PostgreSQL's own `COPY ... FROM STDIN` of the file into an untyped table, which no
loader can beat. The ratio is the figure to watch; absolute numbers depend on the machine. The load runs alone
in a child process, so that its peak resident memory (`ru_maxrss`) is the load's and nothing else's; the
child's resident memory before the load (imports, connection) is printed beside it, so that what the load
itself adds shows. Two sizes show whether memory grows with the file. Not a test: nothing here asserts a time.
"""

import argparse
import multiprocessing
import os
import resource
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path

import sqlalchemy as sa

from config.settings import get_settings
from ingest.load import load_file, load_reference_data
from ingest.migrate import migrate
from ingest.synthetic import generate_institution
from pipelines.local_postgres import LocalPostgres, free_port

# Unique per run: the server may be shared with other runs.
BENCH_DATABASE = f"co2calc_bench_{os.getpid()}"


def bare_copy_seconds(engine: sa.Engine, path: Path) -> float:
    with path.open() as handle:
        header = handle.readline().strip().split(",")
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


def measure_load(url: str, path: Path, results: Connection) -> None:
    """In a child process: load `path` and send (seconds, accepted, rejected, RSS before, peak RSS) back."""
    engine = sa.create_engine(url)
    with engine.connect():
        pass
    rss_before = peak_rss_mib()
    started = time.perf_counter()
    result = load_file(engine, path, "travel_planes", reporting_year=2025, loaded_by="benchmark")
    seconds = time.perf_counter() - started
    engine.dispose()
    results.send((seconds, result.rows_accepted, result.rows_rejected, rss_before, peak_rss_mib()))


def copied(generated: Path, copies: int) -> Path:
    """The generated flights file with its data rows `copies` times (the file itself for one copy)."""
    if copies == 1:
        return generated
    path = generated.parent / f"copies_{copies}" / generated.name
    path.parent.mkdir()
    with generated.open() as source, path.open("w") as target:
        target.write(source.readline())
        rows = source.read()
        for _ in range(copies):
            target.write(rows)
    return path


def bench_file(admin: sa.Engine, url: str, files: Path, planes: Path) -> dict[str, float]:
    with admin.connect() as connection:
        connection.exec_driver_sql(f"drop database if exists {BENCH_DATABASE} with (force)")
        connection.exec_driver_sql(f"create database {BENCH_DATABASE}")
    bench_url = sa.engine.make_url(url).set(database=BENCH_DATABASE)
    engine = sa.create_engine(bench_url)
    spawn = multiprocessing.get_context("spawn")
    try:
        with planes.open() as handle:
            rows = sum(1 for _ in handle) - 1
        migrate(engine, applied_by="benchmark")
        load_reference_data(engine)
        load_file(engine, files / "units.csv", "units", loaded_by="benchmark")
        baseline_s = bare_copy_seconds(engine, planes)
        receiver, sender = spawn.Pipe(duplex=False)
        loader = spawn.Process(
            target=measure_load, args=(bench_url.render_as_string(hide_password=False), planes, sender)
        )
        loader.start()
        co2calc_s, accepted, rejected, rss_before_mib, rss_peak_mib = receiver.recv()
        loader.join()
    finally:
        engine.dispose()
    print(f"file: {planes.name}, {rows:,} rows, {planes.stat().st_size / 2**20:.1f} MiB")
    print(f"  bare COPY (baseline): {baseline_s:6.2f} s  {rows / baseline_s:12,.0f} rows/s")
    print(
        f"  co2calc load_file:    {co2calc_s:6.2f} s  {rows / co2calc_s:12,.0f} rows/s  "
        f"({accepted:,} accepted, {rejected:,} rejected)"
    )
    print(f"  ratio co2calc / baseline time: {co2calc_s / baseline_s:.1f}x")
    print(
        f"  peak RSS of the load process: {rss_peak_mib:.0f} MiB "
        f"(before the load: {rss_before_mib:.0f} MiB, added by the load: {rss_peak_mib - rss_before_mib:.0f} MiB)"
    )
    return {
        "rows": rows,
        "rows_per_s": rows / co2calc_s,
        "ratio": co2calc_s / baseline_s,
        "peak": rss_peak_mib,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=10.0)
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 4])
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
        try:
            # Generated in a child process, like the loads, so that this process stays small.
            files = folder / "files"
            generator = multiprocessing.get_context("spawn").Process(
                target=generate_institution,
                args=(files,),
                kwargs={"scale": args.scale, "seed": 42, "years": (2025,)},
            )
            generator.start()
            generator.join()
            generated = files / "travel_planes_2025.csv"
            figures = [bench_file(admin, url, files, copied(generated, copies)) for copies in args.copies]
            print("rows       rows/s   x COPY   peak RSS MiB")
            for figure in figures:
                print(
                    f"{figure['rows']:>9,.0f} {figure['rows_per_s']:>8,.0f} {figure['ratio']:>8.1f} "
                    f"{figure['peak']:>14.0f}"
                )
        finally:
            with admin.connect() as connection:
                connection.exec_driver_sql(f"drop database if exists {BENCH_DATABASE} with (force)")
            admin.dispose()
            if server is not None:
                server.destroy()


if __name__ == "__main__":
    main()
