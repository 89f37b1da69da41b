"""The secrets file and command line that serve the dashboard (dashboard/runtime.py)."""

import stat
import tomllib

from config.settings import Settings
from dashboard.runtime import APP_PATH, streamlit_command, write_streamlit_secrets


def test_secrets_hold_the_auth_section_st_login_needs(tmp_path):
    settings = Settings(
        dashboard_port=8777,
        oidc_metadata_url="http://127.0.0.1:9911/.well-known/x",
        oidc_cookie_secret="Xk3vQ9pL-2mZr7tYw_8sB1nC4dF6gH0jKqWeRtUy",
        oidc_client_secret="issued-by-the-provider-7f3a9c",
        scope_signing_secret="Ne5Rt2Yu8Io4Pa1Sd7Fg3Hj9Kl6Zx0CvBm",
    )

    path = write_streamlit_secrets(settings, tmp_path / "secrets" / "secrets.toml")

    auth = tomllib.loads(path.read_text(encoding="utf-8"))["auth"]
    assert auth == {
        "redirect_uri": "http://127.0.0.1:8777/oauth2callback",
        "cookie_secret": settings.oidc_cookie_secret,
        "client_id": settings.oidc_client_id,
        "client_secret": settings.oidc_client_secret,
        "server_metadata_url": "http://127.0.0.1:9911/.well-known/x",
    }


def test_secrets_survive_quotes_and_backslashes_in_values(tmp_path):
    settings = Settings(oidc_client_secret='se"cr\\et', oidc_demo_provider=True)

    path = write_streamlit_secrets(settings, tmp_path / "secrets.toml")

    assert tomllib.loads(path.read_text(encoding="utf-8"))["auth"]["client_secret"] == 'se"cr\\et'


def test_secrets_file_is_readable_by_its_owner_only(tmp_path):
    path = write_streamlit_secrets(Settings(oidc_demo_provider=True), tmp_path / "secrets.toml")

    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_command_runs_the_app_headless_on_the_configured_port_without_usage_stats(tmp_path):
    command = streamlit_command(Settings(dashboard_port=8777), tmp_path / "secrets.toml")

    options = dict(zip(command[5::2], command[6::2], strict=True))
    assert command[2:5] == ["streamlit", "run", str(APP_PATH)]
    assert options == {
        "--secrets.files": str(tmp_path / "secrets.toml"),
        "--server.port": "8777",
        "--server.address": "127.0.0.1",
        "--server.enableStaticServing": "true",
        "--server.headless": "true",
        "--browser.gatherUsageStats": "false",
        "--client.toolbarMode": "viewer",
    }
