"""Dashboard page times under load: N sessions at once on the real server, cold and warm, per page.

    .venv/bin/python tests/benchmarks/bench_dashboard_load.py --warehouse-url URL [--sessions 50]
        [--redis-url redis://127.0.0.1:6379/14] [--user director] [--timeout-s 900]
    .venv/bin/python tests/benchmarks/bench_dashboard_load.py --scale 1 --database-url URL   # builds one

On the loopback only: starts `oidc-provider-mock` with config/demo_users.yaml and `streamlit run` (the
command line of dashboard/runtime.py, with Redis as the query cache) on free ports, logs `--sessions`
sessions in as `--user` through the provider, as a browser does, then navigates all of them to each page
of that user's role at the same moment and times each navigation. Twice:

- `cold`: before each page, this build's keys are deleted from Redis, so the N sessions start from empty
  caches (the first session to miss a key reads PostgreSQL, the others wait for its frame, `get_or_read`);
- `warm`: the same pages again, their frames in Redis from the cold round.

Before either, uncounted, one session visits every page (the process's first drawing of a page pays imports)
and then all sessions open the first page at once (the connection pools grow to their size under load): costs
of a process's first minute, no cache's doing. Prints p50 and p95 per page and round, in ms, and the dashboard
process's CPU per page view; then stops both servers and deletes this build's Redis keys. All sessions share
the one dashboard process, as behind a sticky proxy.
Bounded: at most `MAX_SESSIONS` sessions, each navigation gives up after `--page-timeout-s`, the whole run
after `--timeout-s`. Not a test: nothing asserts a time.

Clients speak Streamlit's websocket protocol (`/_stcore/stream`, the BackMsg/ForwardMsg protobufs of the
installed Streamlit) rather than drive Chromium contexts: 50 Chromium pages would each lay out and draw
plotly figures on the same 2 cores as the server and its PostgreSQL, so the figures would measure the
browsers. A client here is a coroutine that costs almost nothing. "Rendered" is therefore the server's
part: from the BackMsg that asks for the page (what a click in the navigation sends) to the
`script_finished` message, after every element of the page has arrived; the browser's own drawing is not
counted. The login is the real one: the login page's button is clicked over the websocket, and the
provider's `auth_redirect` is followed over HTTP (provider form, `/oauth2callback`), which sets the signed
identity cookie the websocket then presents, as tests/e2e/test_dashboard_login.py does in Chromium.
"""

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

import psutil
import requests
import sqlalchemy as sa
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

REPO = Path(__file__).resolve().parents[2]
MAX_SESSIONS = 200
SERVER_START_TIMEOUT_S = 90
# Frames of a page (tables as Arrow, plotly figures as JSON) exceed websockets' 1 MiB default.
MAX_MESSAGE_BYTES = 64 * 2**20
XSRF_COOKIE = "_streamlit_xsrf"


class PageFailed(Exception):
    """A page raised, or the script did not finish: its time would mean nothing."""


@dataclass
class Session:
    """One browser tab's websocket: asks for a page (a rerun), reads what the server sends for it."""

    connection: websockets.ClientConnection
    pages: dict[str, str] = field(default_factory=dict)

    async def rerun(
        self, page_script_hash: str = "", clicked_button_id: str | None = None
    ) -> list[ForwardMsg]:
        """What a navigation (or a button click) sends; returns the messages up to the end of the run."""
        request = BackMsg()
        request.rerun_script.page_script_hash = page_script_hash
        if clicked_button_id is not None:
            click = request.rerun_script.widget_states.widgets.add()
            click.id = clicked_button_id
            click.trigger_value = True
        await self.connection.send(request.SerializeToString())
        messages = []
        while True:
            message = ForwardMsg()
            message.ParseFromString(await self.connection.recv())
            messages.append(message)
            kind = message.WhichOneof("type")
            if kind == "navigation":
                # The default page is served at the root: its url path is empty.
                self.pages = {
                    page.url_pathname or page.page_name: page.page_script_hash
                    for page in message.navigation.app_pages
                }
            elif kind == "delta" and message.delta.new_element.WhichOneof("type") == "exception":
                raise PageFailed(message.delta.new_element.exception.message)
            elif kind == "auth_redirect":
                return messages
            elif kind == "script_finished":
                if message.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                    raise PageFailed(ForwardMsg.ScriptFinishedStatus.Name(message.script_finished))
                return messages

    async def close(self) -> None:
        await self.connection.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_served(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[:4]} exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {SERVER_START_TIMEOUT_S} s:\n{log.read_text()}")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=15)


def visit(app_url: str) -> requests.Session:
    """What the frontend fetches before it opens its websocket: the health route sets the XSRF cookie."""
    browser = requests.Session()
    browser.get(f"{app_url}/_stcore/health", timeout=30).raise_for_status()
    return browser


async def connect(app_url: str, cookies: requests.cookies.RequestsCookieJar) -> Session:
    """A websocket with the page's cookies and the XSRF token in the subprotocol, as the frontend opens it."""
    connection = await websockets.connect(
        app_url.replace("http://", "ws://", 1) + "/_stcore/stream",
        subprotocols=["streamlit", cookies[XSRF_COOKIE]],
        origin=app_url,
        additional_headers={"Cookie": "; ".join(f"{cookie.name}={cookie.value}" for cookie in cookies)},
        max_size=MAX_MESSAGE_BYTES,
        open_timeout=30,
    )
    return Session(connection)


async def provider_login_url(app_url: str) -> str:
    """Click the login page's button as an anonymous visitor; return where `st.login` sends the browser."""
    session = await connect(app_url, visit(app_url).cookies)
    try:
        login_page = await session.rerun()
        button_id = next(
            message.delta.new_element.button.id
            for message in login_page
            if message.WhichOneof("type") == "delta"
            and message.delta.new_element.WhichOneof("type") == "button"
        )
        clicked = await session.rerun(clicked_button_id=button_id)
    finally:
        await session.close()
    redirect = clicked[-1]
    if redirect.WhichOneof("type") != "auth_redirect":
        raise RuntimeError("the login button did not send the browser to the provider")
    return urljoin(app_url, redirect.auth_redirect.url)


def log_in(app_url: str, login_url: str, user: str) -> requests.cookies.RequestsCookieJar:
    """The provider's form answered as `user` (its button "Authorize as <user>"); returns the browser's cookies,
    the identity cookie `/oauth2callback` set among them."""
    browser = visit(app_url)
    form = browser.get(login_url, timeout=30)
    form.raise_for_status()
    landed = browser.post(form.url, data={"sub": user}, timeout=30)
    landed.raise_for_status()
    if "_streamlit_user" not in browser.cookies:
        raise RuntimeError(f"logging in as {user!r} set no identity cookie (ended at {landed.url})")
    return browser.cookies


@dataclass(frozen=True)
class Served:
    app_url: str
    processes: list[subprocess.Popen]


def serve(warehouse_url: str, redis_url: str, folder: Path) -> Served:
    """The provider and the dashboard on free loopback ports, with Redis as the query cache."""
    from config.settings import Settings, get_settings
    from dashboard.runtime import streamlit_command, write_streamlit_secrets

    oidc_port, dashboard_port = free_port(), free_port()
    settings = Settings(
        database_url=warehouse_url,
        redis_url=redis_url,
        dashboard_port=dashboard_port,
        oidc_port=oidc_port,
        oidc_demo_provider=True,
    )
    secrets = write_streamlit_secrets(settings, folder / "secrets.toml")
    env = {
        **os.environ,
        "CO2CALC_DATABASE_URL": warehouse_url,
        "CO2CALC_REDIS_URL": redis_url,
        "DO_NOT_TRACK": "1",
    }
    provider_command = [sys.executable, "-m", "oidc_provider_mock", "--port", str(oidc_port)]
    provider_command += ["--user-claims-file", str(get_settings().demo_users_file)]
    processes: list[subprocess.Popen] = []
    try:
        provider_log = folder / "oidc.log"
        with provider_log.open("w") as log:
            processes.append(
                subprocess.Popen(
                    provider_command,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        wait_until_served(settings.oidc_server_metadata_url, processes[-1], provider_log)
        app_log = folder / "streamlit.log"
        with app_log.open("w") as log:
            processes.append(
                subprocess.Popen(
                    streamlit_command(settings, secrets),
                    cwd=REPO,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        app_url = f"http://127.0.0.1:{dashboard_port}"
        wait_until_served(f"{app_url}/_stcore/health", processes[-1], app_log)
    except BaseException:
        for process in reversed(processes):
            stop(process)
        raise
    return Served(app_url, processes)


async def open_sessions(app_url: str, user: str, count: int) -> list[Session]:
    """`count` logins of `user`, each with its own websocket on the role's first page."""
    login_url = await provider_login_url(app_url)
    sessions = []
    for _ in range(count):
        cookies = await asyncio.to_thread(log_in, app_url, login_url, user)
        session = await connect(app_url, cookies)
        sessions.append(session)
        await session.rerun()
        if not session.pages:
            raise RuntimeError(f"{user!r} logged in but got no pages: is the warehouse built?")
    return sessions


async def navigate_all(sessions: list[Session], page_script_hash: str, timeout_s: float) -> list[float]:
    """Every session asks for the page at once; the seconds each waited for the whole page."""

    async def navigate(session: Session) -> float:
        started = time.perf_counter()
        async with asyncio.timeout(timeout_s):
            await session.rerun(page_script_hash)
        return time.perf_counter() - started

    return list(await asyncio.gather(*(navigate(session) for session in sessions)))


@dataclass(frozen=True)
class Round:
    """One page in one round: each session's seconds, and the CPU seconds the dashboard process spent."""

    seconds: list[float]
    server_cpu_s: float


def cpu_s(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system


async def measure(
    app_url: str, server: psutil.Process, user: str, count: int, page_timeout_s: float, forget_cached_frames
) -> dict[str, dict[str, Round]]:
    """Each round (`cold`, `warm`) and page (its url path)."""
    sessions = await open_sessions(app_url, user, count)
    try:
        pages = sessions[0].pages
        # The process's first drawing of each page imports what it needs lazily (plotly's trace validators, ...)
        # under the import lock: a first round measured that, 2.5 times the second with 20 sessions, even with
        # the cache already full. One session's visit to every page pays it before anything is counted.
        for page_script_hash in pages.values():
            await sessions[0].rerun(page_script_hash)
        # The first round that all sessions run at once grows the database and Redis connection pools to their
        # size under load: 6.8 s for the last of 20 sessions on the overview, 4.6 s in a later cold round.
        await navigate_all(sessions, next(iter(pages.values())), page_timeout_s)
        rounds: dict[str, dict[str, Round]] = {"cold": {}, "warm": {}}
        for round_name, by_page in rounds.items():
            for url_path, page_script_hash in pages.items():
                if round_name == "cold":
                    forget_cached_frames()
                cpu_before = cpu_s(server)
                seconds = await navigate_all(sessions, page_script_hash, page_timeout_s)
                by_page[url_path] = Round(seconds, cpu_s(server) - cpu_before)
                print(f"{round_name:<5} {url_path:<14} done", file=sys.stderr, flush=True)
        return rounds
    finally:
        await asyncio.gather(*(session.close() for session in sessions), return_exceptions=True)


def percentile(seconds: list[float], share: float) -> float:
    """Nearest rank, so that the figure is one of the measured times."""
    ordered = sorted(seconds)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def print_table(rounds: dict[str, dict[str, Round]], count: int, user: str) -> None:
    # All sessions share one process and its interpreter lock, so the wall times are about N x the CPU of a view
    # over the share of a core the process gets; the CPU per view says what a change saved on a busy machine.
    print(
        f"{count} sessions at once, logged in as {user!r}; ms from the navigation to the end of the page's run,"
    )
    print("and the dashboard process's CPU ms per page view")
    header = "".join(
        f"{f'{name} {figure}':>14}" for name in ("cold", "warm") for figure in ("p50", "p95", "cpu/view")
    )
    print(f"{'page':<16}{header}")
    for url_path in rounds["cold"]:
        figures = []
        for round_name in ("cold", "warm"):
            page_round = rounds[round_name][url_path]
            figures += [
                statistics.median(page_round.seconds),
                percentile(page_round.seconds, 0.95),
                page_round.server_cpu_s / count,
            ]
        print(f"{url_path:<16}" + "".join(f"{1000 * value:>14.0f}" for value in figures))


def drop_database(server_url: str, url: str) -> None:
    engine = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(
            f'drop database if exists "{sa.engine.make_url(url).database}" with (force)'
        )
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse-url", help="an existing warehouse (skips the build)")
    parser.add_argument("--scale", type=float, default=1.0, help="without --warehouse-url: the size to build")
    parser.add_argument("--database-url", help="without --warehouse-url: the server to build it on")
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--user", default="director", help="a `sub` of config/demo_users.yaml")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/15")
    parser.add_argument("--page-timeout-s", type=float, default=120)
    parser.add_argument("--timeout-s", type=float, default=900, help="the whole run, logins and both rounds")
    args = parser.parse_args()
    if not 1 <= args.sessions <= MAX_SESSIONS:
        parser.error(f"--sessions must be between 1 and {MAX_SESSIONS}")

    from config.settings import get_settings
    from tests.benchmarks.bench_dashboard_render import build_warehouse, forget_cached_frames

    server_url = args.database_url or get_settings().test_database_url
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = args.warehouse_url
        if url is None:
            if server_url is None:
                parser.error("give --warehouse-url or --database-url (or set CO2CALC_TEST_DATABASE_URL)")
            started = time.perf_counter()
            url = build_warehouse(server_url, args.scale, folder)
            print(f"warehouse at scale {args.scale:g} built in {time.perf_counter() - started:.0f} s")
        served = serve(url, args.redis_url, folder)
        try:
            rounds = asyncio.run(
                asyncio.wait_for(
                    measure(
                        served.app_url,
                        psutil.Process(served.processes[-1].pid),
                        args.user,
                        args.sessions,
                        args.page_timeout_s,
                        lambda: forget_cached_frames(args.redis_url, url),
                    ),
                    args.timeout_s,
                )
            )
        finally:
            for process in reversed(served.processes):
                stop(process)
            forget_cached_frames(args.redis_url, url)
            if args.warehouse_url is None:
                drop_database(server_url, url)
    print_table(rounds, args.sessions, args.user)


if __name__ == "__main__":
    main()
