"""Dashboard page render times at demo scale, with the in-process cache and with Redis.

    .venv/bin/python tests/benchmarks/bench_dashboard_render.py --scale 1 --rounds 5 [--database-url URL]
        [--redis-url redis://127.0.0.1:6379/15]

Builds a warehouse from a generated institution (or reuses `--warehouse-url`), then renders every page of
`dashboard/app_pages/` with Streamlit's AppTest as the institution role (the widest scope, so the heaviest
queries), `--rounds` times each, in three configurations, each in a fresh Python process:

- `no cache`: the in-process cache is cleared before every render, so every query reads PostgreSQL;
- `in-process cache`: without Redis, queries hit `st.cache_data`;
- `Redis`: with Redis, queries hit the shared Redis cache (Parquet frames).

Each process first renders every page once, uncounted (imports, first connections, cache filling).

Prints the median and p95 of the render time per configuration, and the ratios against `no cache` measured
in the same run. Server-side script time only (what AppTest measures), not the browser's drawing. Not a
test: nothing here asserts a time.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import redis
import sqlalchemy as sa

REPO = Path(__file__).resolve().parents[2]
APP_PAGES = REPO / "dashboard" / "app_pages"


def institution_user() -> dict:
    from config.settings import get_settings
    from dashboard.auth import ScopeKind, load_role_config

    rule = next(
        r for r in load_role_config(get_settings().roles_file).roles if r.scope is ScopeKind.EVERYTHING
    )
    # `iat` now: a login the session expiry (dashboard/session.py) lets through for the whole run.
    return {
        "is_logged_in": True,
        "iat": time.time(),
        "sub": "bench",
        "name": "Bench",
        "groups": [sorted(rule.groups)[0]],
    }


def render_pages(rounds: int, clear_between: bool) -> list[float]:
    """Child process: render every page `rounds` times; return the seconds of each render."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from dashboard.runtime import APP_PATH

    user = institution_user()
    pages = sorted(APP_PAGES.glob("*.py"))
    seconds = []
    for counted in [False] + [True] * rounds:
        for page in pages:
            if clear_between:
                st.cache_data.clear()
            started = time.perf_counter()
            app = AppTest.from_file(str(APP_PATH), default_timeout=120)
            app.user = user
            app.run()
            app.switch_page(str(page)).run()
            if counted:
                seconds.append(time.perf_counter() - started)
            if app.exception:
                raise RuntimeError(f"{page.name}: {[e.message for e in app.exception]}")
    return seconds


def child_timings(warehouse_url: str, redis_url: str | None, rounds: int, clear_between: bool) -> list[float]:
    env = {key: value for key, value in os.environ.items() if key != "CO2CALC_REDIS_URL"}
    env["CO2CALC_DATABASE_URL"] = warehouse_url
    if redis_url:
        env["CO2CALC_REDIS_URL"] = redis_url
    command = [sys.executable, __file__, "--child", "--rounds", str(rounds)]
    if clear_between:
        command.append("--clear-between")
    result = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def summary(seconds: list[float]) -> tuple[float, float]:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def build_warehouse(server_url: str, scale: float, folder: Path) -> str:
    from ingest.synthetic import generate_institution
    from pipelines.run import run_pipeline
    from tests.conftest import create_database, pipeline_settings

    generate_institution(folder / "files", scale=scale, seed=42)
    url = create_database(server_url, "co2calc_bench_dashboard")
    run_pipeline(pipeline_settings(folder), url, folder / "files")
    return url


def forget_cached_frames(redis_url: str, warehouse_url: str) -> None:
    """Delete this warehouse build's cached frames only: the Redis is shared, a flush would empty others' keys."""
    from dashboard.data.cache import KEY_PREFIX
    from dashboard.data.queries import LATEST_BUILD_ID

    engine = sa.create_engine(warehouse_url)
    with engine.connect() as connection:
        build_id = connection.exec_driver_sql(LATEST_BUILD_ID.sql).scalar_one()
    engine.dispose()
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(match=f"{KEY_PREFIX}:{build_id}:*"):
        client.delete(key)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database-url", help="server on which to build the warehouse")
    parser.add_argument("--warehouse-url", help="an existing warehouse (skips the build)")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/15")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--clear-between", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(render_pages(args.rounds, args.clear_between)))
        return

    from config.settings import get_settings

    server_url = args.database_url or get_settings().test_database_url
    with tempfile.TemporaryDirectory() as tmp:
        if args.warehouse_url:
            url = args.warehouse_url
        else:
            if server_url is None:
                parser.error("give --database-url or --warehouse-url (or set CO2CALC_TEST_DATABASE_URL)")
            started = time.perf_counter()
            url = build_warehouse(server_url, args.scale, Path(tmp))
            print(f"warehouse at scale {args.scale:g} built in {time.perf_counter() - started:.0f} s")
        forget_cached_frames(args.redis_url, url)
        results = {
            "no cache": child_timings(url, None, args.rounds, clear_between=True),
            "in-process cache": child_timings(url, None, args.rounds, clear_between=False),
        }
        results["Redis"] = child_timings(url, args.redis_url, args.rounds, clear_between=False)
        if not args.warehouse_url:
            engine = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
            with engine.connect() as connection:
                name = sa.engine.make_url(url).database
                connection.exec_driver_sql(f'drop database if exists "{name}" with (force)')
            engine.dispose()
    baseline_median, _ = summary(results["no cache"])
    pages = len(list(APP_PAGES.glob("*.py")))
    print(f"{pages} pages x {args.rounds} rounds, institution role")
    print(f"{'configuration':<24}{'median s':>10}{'p95 s':>10}{'median / no cache':>20}")
    for name, seconds in results.items():
        median, p95 = summary(seconds)
        print(f"{name:<24}{median:>10.3f}{p95:>10.3f}{median / baseline_median:>20.2f}")


if __name__ == "__main__":
    main()
