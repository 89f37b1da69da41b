"""`co2calc demo` in a real process: it serves everything, a second run works, and Ctrl-C leaves no process behind."""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

from pipelines.local_postgres import free_port

CO2CALC = str(Path(sys.executable).parent / "co2calc")
READY_TIMEOUT_S = 420


def demo_env(state_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CO2CALC_")}
    return env | {
        "CO2CALC_STATE_DIR": str(state_dir),
        "CO2CALC_INBOX_DIR": str(state_dir / "inbox"),
        "CO2CALC_DEMO_SCALE": "0.05",
        "CO2CALC_EMBEDDED_POSTGRES_PORT": str(free_port()),
        "CO2CALC_DASHBOARD_PORT": str(free_port()),
        "CO2CALC_DAGSTER_PORT": str(free_port()),
        "CO2CALC_OIDC_PORT": str(free_port()),
    }


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def processes_mentioning(marker: str) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(["cmdline", "environ"]):
        try:
            text = " ".join(process.info["cmdline"] or []) + " ".join(
                (process.info["environ"] or {}).values()
            )
        except (psutil.AccessDenied, psutil.NoSuchProcess):
            continue
        if marker in text and process.pid != os.getpid():
            found.append(process)
    return found


def run_demo_until_served(env: dict[str, str], log: Path, stop_signal: int) -> None:
    with log.open("w") as output:
        demo = subprocess.Popen(
            [CO2CALC, "demo"], env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    urls = [
        f"http://127.0.0.1:{env['CO2CALC_DASHBOARD_PORT']}/_stcore/health",
        f"http://127.0.0.1:{env['CO2CALC_DAGSTER_PORT']}/server_info",
        f"http://127.0.0.1:{env['CO2CALC_OIDC_PORT']}/.well-known/openid-configuration",
    ]
    try:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while not all(answers(url) for url in urls):
            assert demo.poll() is None, f"the demo stopped early:\n{log.read_text()[-3000:]}"
            assert time.monotonic() < deadline, f"not served in time:\n{log.read_text()[-3000:]}"
            time.sleep(1)
        assert "Ready in" in log.read_text()
        assert "labhead" in log.read_text()
    finally:
        demo.send_signal(stop_signal)
        try:
            demo.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(demo.pid, signal.SIGKILL)
            pytest.fail(f"the demo did not stop on signal {stop_signal}:\n{log.read_text()[-3000:]}")


def test_demo_serves_everything_twice_and_ctrl_c_or_sigterm_stops_every_child(tmp_path):
    state_dir = tmp_path / "state"
    env = demo_env(state_dir)
    run_demo_until_served(env, tmp_path / "first.log", signal.SIGINT)
    time.sleep(2)
    assert processes_mentioning(str(state_dir)) == []

    # Stopped by SIGTERM this time (a service manager, or a shell job whose SIGINT is ignored).
    run_demo_until_served(env, tmp_path / "second.log", signal.SIGTERM)
    second = (tmp_path / "second.log").read_text()
    assert "generating the demo institution" not in second
    time.sleep(2)
    assert processes_mentioning(str(state_dir)) == []
