"""What it takes to serve the dashboard: the `[auth]` secrets Streamlit reads and the command line.

`co2calc dashboard` and the end-to-end test both call these, so the demo and the test start the
app the same way.
"""

import json
import sys
from pathlib import Path

from config.settings import Settings

APP_PATH = Path(__file__).resolve().parent / "streamlit_app.py"


def render_streamlit_secrets(settings: Settings) -> str:
    """The secrets TOML with the `[auth]` section `st.login()` needs (one provider, no name)."""
    auth = {
        "redirect_uri": settings.dashboard_redirect_uri,
        "cookie_secret": settings.oidc_cookie_secret,
        "client_id": settings.oidc_client_id,
        "client_secret": settings.oidc_client_secret,
        "server_metadata_url": settings.oidc_server_metadata_url,
    }
    # A JSON string literal is a valid TOML basic string, so quoting needs no TOML writer.
    lines = ["[auth]", *(f"{key} = {json.dumps(value)}" for key, value in auth.items())]
    return "\n".join(lines) + "\n"


def write_streamlit_secrets(settings: Settings, path: Path) -> Path:
    """Write the secrets file readable by its owner only: it holds the client and cookie secrets."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text(render_streamlit_secrets(settings), encoding="utf-8")
    return path


def streamlit_command(settings: Settings, secrets_path: Path) -> list[str]:
    """`streamlit run` with the interpreter of this environment, so the repo packages import."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP_PATH),
        "--secrets.files",
        str(secrets_path),
        "--server.port",
        str(settings.dashboard_port),
        "--server.address",
        settings.dashboard_address,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        # Serves dashboard/static/ (the route map's country outlines) at /app/static/.
        "--server.enableStaticServing",
        "true",
        # Readers, not developers: no "Deploy" button or developer menu.
        "--client.toolbarMode",
        "viewer",
    ]
