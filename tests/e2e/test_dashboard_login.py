"""A unit manager logs in through the OpenID provider in a real browser and sees only their lab.

Starts `oidc-provider-mock` and `streamlit run` on free ports against the warehouse, drives the
Debian `chromium` with playwright (never `playwright install`), and stops both servers afterwards.
"""

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from playwright.sync_api import expect, sync_playwright

from config.settings import Settings, get_settings
from dashboard.auth import load_role_config
from dashboard.components.headline import format_t_co2e
from dashboard.i18n import Translator
from dashboard.runtime import streamlit_command, write_streamlit_secrets

CHROMIUM_PATH = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_TIMEOUT_S = 90
PAGE_TIMEOUT_MS = 60_000


@dataclass(frozen=True)
class ServedDashboard:
    url: str
    manager_sub: str
    visible_t_co2e: float
    hidden_t_co2e: float


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_served(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{process.args[:4]} exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    pytest.fail(f"{url} did not answer within {SERVER_START_TIMEOUT_S} s:\n{log.read_text()}")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=15)


def _labs_of_latest_year(warehouse_url: str) -> list[tuple[str, float]]:
    engine = sa.create_engine(warehouse_url)
    with engine.connect() as connection:
        rows = connection.execute(
            # Headline totals: additional categories never count (METHODOLOGY.md §1.7).
            sa.text("""
                select footprint.unit_id, sum(footprint.t_co2e)::float8 as t_co2e
                from reporting.rpt_footprint__unit_year as footprint
                inner join reporting.rpt_emission_categories as categories
                    on footprint.module_code = categories.module_code
                    and footprint.submodule_code = categories.submodule_code
                where
                    footprint.reporting_year = (select max(reporting_year) from reporting.rpt_footprint__unit_year)
                    and not categories.is_additional_category
                group by footprint.unit_id
                having sum(footprint.t_co2e) > 0
                order by t_co2e desc, footprint.unit_id
            """)
        ).all()
    engine.dispose()
    return [(row.unit_id, row.t_co2e) for row in rows]


def _school_of(warehouse_url: str, unit_id: str) -> str:
    engine = sa.create_engine(warehouse_url)
    with engine.connect() as connection:
        school = connection.execute(
            sa.text("select school_unit_id from reporting.rpt_units where unit_id = :unit_id"),
            {"unit_id": unit_id},
        ).scalar_one()
    engine.dispose()
    return school


def _demo_users_managing(unit_id: str, school_unit_id: str, path: Path) -> str:
    """Write the demo users with every unit claim pointed at `unit_id` and every school claim at its school;
    return the unit manager's `sub`."""
    roles = load_role_config(get_settings().roles_file)
    manager_groups = next(rule.groups for rule in roles.roles if rule.role == "unit_manager")
    users = yaml.safe_load(get_settings().demo_users_file.read_text(encoding="utf-8"))
    for user in users:
        if roles.unit_claim in user:
            user[roles.unit_claim] = [unit_id]
        if roles.school_claim in user:
            user[roles.school_claim] = [school_unit_id]
    path.write_text(yaml.safe_dump(users), encoding="utf-8")
    return next(user for user in users if manager_groups & set(user.get(roles.role_claim, [])))["sub"]


@pytest.fixture
def served_dashboard(warehouse_url, tmp_path, monkeypatch) -> Iterator[ServedDashboard]:
    labs = _labs_of_latest_year(warehouse_url)
    assert len(labs) >= 2, "the warehouse needs two labs with a footprint in its latest year"
    (visible_unit_id, visible_t_co2e), (_, hidden_t_co2e) = labs[0], labs[-1]
    manager_sub = _demo_users_managing(
        visible_unit_id, _school_of(warehouse_url, visible_unit_id), tmp_path / "users.yaml"
    )

    oidc_port, dashboard_port = _free_port(), _free_port()
    settings = Settings(
        database_url=warehouse_url,
        dashboard_port=dashboard_port,
        oidc_port=oidc_port,
        oidc_demo_provider=True,
    )
    secrets = write_streamlit_secrets(settings, tmp_path / "secrets.toml")
    # The app reads its warehouse from the environment it inherits.
    monkeypatch.setenv("CO2CALC_DATABASE_URL", warehouse_url)
    monkeypatch.setenv("DO_NOT_TRACK", "1")

    processes: list[subprocess.Popen] = []
    try:
        provider_log = tmp_path / "oidc.log"
        provider_command = [sys.executable, "-m", "oidc_provider_mock", "--port", str(oidc_port)]
        provider_command += ["--user-claims-file", str(tmp_path / "users.yaml")]
        with provider_log.open("w") as log:
            processes.append(subprocess.Popen(provider_command, stdout=log, stderr=subprocess.STDOUT))
        _wait_until_served(settings.oidc_server_metadata_url, processes[-1], provider_log)

        app_log = tmp_path / "streamlit.log"
        with app_log.open("w") as log:
            processes.append(
                subprocess.Popen(
                    streamlit_command(settings, secrets),
                    cwd=Path(__file__).resolve().parents[2],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        app_url = f"http://127.0.0.1:{dashboard_port}"
        _wait_until_served(f"{app_url}/_stcore/health", processes[-1], app_log)

        yield ServedDashboard(app_url, manager_sub, visible_t_co2e, hidden_t_co2e)
    finally:
        for process in reversed(processes):
            _stop(process)


def test_a_unit_manager_logs_in_and_sees_their_lab_total_and_not_another(served_dashboard):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.set_default_timeout(PAGE_TIMEOUT_MS)
            page.goto(served_dashboard.url)

            page.get_by_role("button", name="Log in").click()
            page.get_by_role("button", name=f"Authorize as {served_dashboard.manager_sub}").click()

            expect(page.get_by_role("button", name="Log out")).to_be_visible()
            total = page.get_by_test_id("stMetric").filter(has_text="Total (t CO2e)")
            expect(total.get_by_test_id("stMetricValue")).to_have_text(
                format_t_co2e(served_dashboard.visible_t_co2e)
            )
            metric_values = page.get_by_test_id("stMetricValue").all_inner_texts()
            assert format_t_co2e(served_dashboard.hidden_t_co2e) not in metric_values
        finally:
            browser.close()


def _demo_user_of(role: str) -> str:
    roles = load_role_config(get_settings().roles_file)
    groups = next(rule.groups for rule in roles.roles if rule.role == role)
    users = yaml.safe_load(get_settings().demo_users_file.read_text(encoding="utf-8"))
    return next(user["sub"] for user in users if groups & set(user.get(roles.role_claim, [])))


def test_every_demo_role_logs_in_and_is_offered_exactly_its_pages(served_dashboard):
    roles = load_role_config(get_settings().roles_file).roles
    tr = Translator("en")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        try:
            for rule in roles:
                # A fresh context per role: no cookie of the previous login.
                page = browser.new_context(locale="en-GB").new_page()
                page.set_default_timeout(PAGE_TIMEOUT_MS)
                page.goto(served_dashboard.url)
                page.get_by_role("button", name="Log in").click()
                page.get_by_role("button", name=f"Authorize as {_demo_user_of(rule.role)}").click()

                expect(page.get_by_role("button", name="Log out")).to_be_visible()
                links = page.get_by_test_id("stSidebarNavLink")
                expect(links).to_have_count(len(rule.pages))
                # A link's text is its icon's ligature, then its title.
                titles = [tr(f"{name}.title") for name in rule.pages]
                texts = links.all_inner_texts()
                assert all(text.strip().endswith(title) for title, text in zip(titles, texts, strict=True)), (
                    rule.role,
                    texts,
                )
                page.context.close()
        finally:
            browser.close()
