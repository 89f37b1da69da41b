"""`co2calc demo`: the whole product on one machine, stopped cleanly by Ctrl-C.

It starts an embedded PostgreSQL when no database URL is configured, generates the demo institution
once, runs the pipeline, prints the totals, then serves the dashboard, the Dagster UI and the demo
OpenID provider. Every child runs in its own process group, so stopping the demo stops their children
too (`dagster dev` spawns a webserver, a daemon and a code server).
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import yaml
from rich.console import Console

from config.settings import REPO_ROOT, Settings
from pipelines.run import run_pipeline
from pipelines.runtime import dagster_instance, embedded_postgres, ensure_dbt_manifest
from pipelines.totals import print_totals

DEMO_SEED = 42


class Supervisor:
    """Children started in their own process group; `stop()` ends every group, then waits."""

    def __init__(self) -> None:
        self.children: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
        log.parent.mkdir(parents=True, exist_ok=True)
        child = subprocess.Popen(  # noqa: S603 the demo's own commands, no shell
            args,
            env=env,
            cwd=REPO_ROOT,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.children.append((name, child))
        return child

    def first_exited(self) -> tuple[str, int] | None:
        for name, child in self.children:
            if child.poll() is not None:
                return name, child.returncode
        return None

    def stop(self, grace_s: float = 10.0) -> None:
        for _, child in self.children:
            _signal_group(child, signal.SIGTERM)
        deadline = time.monotonic() + grace_s
        for _, child in self.children:
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            # Whatever is left of the group (grandchildren included) is killed.
            _signal_group(child, signal.SIGKILL)
            child.wait()


def _signal_group(child: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, signum)


def _bin(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def child_env(settings: Settings, database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "CO2CALC_DATABASE_URL": database_url,
        "DAGSTER_HOME": str(settings.dagster_home),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DO_NOT_TRACK": "1",
        "GX_ANALYTICS_ENABLED": "false",
    }


def start_login_provider(supervisor: Supervisor, settings: Settings, env: dict[str, str]) -> None:
    supervisor.start(
        "login provider",
        [
            _bin("oidc-provider-mock"),
            "--port",
            str(settings.oidc_port),
            "--user-claims-file",
            str(settings.demo_users_file),
        ],
        env,
        settings.state_dir / "logs" / "oidc.log",
    )


def start_dashboard_with_demo_login(supervisor: Supervisor, settings: Settings, env: dict[str, str]) -> None:
    """The demo login provider, then the dashboard logging in through it (through the configured provider
    instead when CO2CALC_OIDC_METADATA_URL names one)."""
    start_login_provider(supervisor, settings, env)
    start_dashboard(supervisor, settings.model_copy(update={"oidc_demo_provider": True}), env)


def start_dashboard(supervisor: Supervisor, settings: Settings, env: dict[str, str]) -> None:
    from dashboard.runtime import streamlit_command, write_streamlit_secrets

    secrets = write_streamlit_secrets(settings, settings.state_dir / "streamlit" / "secrets.toml")
    log = settings.state_dir / "logs" / "dashboard.log"
    supervisor.start("dashboard", streamlit_command(settings, secrets), env, log)


def start_dagster(supervisor: Supervisor, settings: Settings, env: dict[str, str]) -> None:
    supervisor.start(
        "dagster",
        [
            _bin("dagster"),
            "dev",
            "-m",
            "pipelines.definitions",
            "-h",
            "127.0.0.1",
            "-p",
            str(settings.dagster_port),
        ],
        env,
        settings.state_dir / "logs" / "dagster.log",
    )


def print_demo_users(console: Console, settings: Settings) -> None:
    users = yaml.safe_load(settings.demo_users_file.read_text())
    console.print("Demo users (type the user id on the login page of the demo provider):")
    for user in users:
        role = ", ".join(user.get("groups", [])) or "-"
        # A school user's scope is their school, named in a claim of its own (config/roles.yaml).
        units = ", ".join(user.get("co2calc_unit_ids") or user.get("co2calc_school_unit_ids") or []) or "all"
        console.print(f"  [bold]{user['sub']}[/bold]  {user.get('name', '')}  role: {role}  units: {units}")


def _stop_on_signals() -> None:
    """Ctrl-C and SIGTERM both stop the demo cleanly, even when the caller started it with SIGINT ignored
    (a shell's background job), so no child outlives it."""

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)


def _wait(supervisor: Supervisor, console: Console) -> int:
    while (exited := supervisor.first_exited()) is None:
        time.sleep(0.5)
    name, code = exited
    console.print(f"[red]{name} stopped with exit code {code}[/red]; see {name} log under .co2calc/logs/")
    return 1


def serve_dashboard(settings: Settings, database_url: str, console: Console) -> int:
    """The dashboard and the demo login provider, until Ctrl-C."""

    def start(supervisor: Supervisor, env: dict[str, str]) -> None:
        start_dashboard_with_demo_login(supervisor, settings, env)
        console.print(f"Dashboard: http://127.0.0.1:{settings.dashboard_port}  (Ctrl-C stops it)")
        print_demo_users(console, settings)

    return _serve(settings, database_url, console, start)


def serve_dagster(settings: Settings, database_url: str, console: Console) -> int:
    """The Dagster UI (webserver, daemon, code server) on the warehouse, until Ctrl-C."""

    def start(supervisor: Supervisor, env: dict[str, str]) -> None:
        ensure_dbt_manifest(settings, database_url)
        dagster_instance(settings)
        start_dagster(supervisor, settings, env)
        console.print(f"Dagster UI: http://127.0.0.1:{settings.dagster_port}  (Ctrl-C stops it)")

    return _serve(settings, database_url, console, start)


def _serve(
    settings: Settings,
    database_url: str,
    console: Console,
    start: Callable[[Supervisor, dict[str, str]], None],
) -> int:
    supervisor = Supervisor()
    _stop_on_signals()
    try:
        start(supervisor, child_env(settings, database_url))
        return _wait(supervisor, console)
    except KeyboardInterrupt:
        return 0
    finally:
        supervisor.stop()


def run_demo(settings: Settings, console: Console) -> int:
    from ingest.synthetic import generate_institution

    started = time.monotonic()
    database = None
    supervisor = Supervisor()
    _stop_on_signals()
    try:
        if settings.database_url:
            database_url = settings.database_url
        else:
            database = embedded_postgres(settings).start()
            database_url = database.url
            console.print(f"· embedded PostgreSQL on 127.0.0.1:{database.port} ({database.data_dir})")
        data = settings.state_dir / "demo_data"
        if not (data / "units.csv").exists():
            console.print(f"· generating the demo institution into {data}")
            generate_institution(data, scale=settings.demo_scale, seed=DEMO_SEED)
        env = child_env(settings, database_url)
        # The login provider and the dashboard only read: they start while the pipeline runs. Dagster waits
        # for it, since both write the same local instance storage.
        start_dashboard_with_demo_login(supervisor, settings, env)
        run_pipeline(settings, database_url, data, on_step=lambda step: console.print(f"· {step}"))
        print_totals(console, database_url)
        start_dagster(supervisor, settings, env)
        console.print(f"[green]Ready in {time.monotonic() - started:.0f} s.[/green]")
        console.print(f"Dashboard: http://127.0.0.1:{settings.dashboard_port}")
        console.print(f"Dagster UI: http://127.0.0.1:{settings.dagster_port}")
        print_demo_users(console, settings)
        console.print("Ctrl-C stops everything the demo started.")
        return _wait(supervisor, console)
    except KeyboardInterrupt:
        console.print("stopping…")
        return 0
    finally:
        supervisor.stop()
        if database is not None:
            database.stop()
