"""Entry point of the dashboard image: Streamlit alone, logging in through the provider the settings name.

`co2calc dashboard` also starts the demo login provider; in the compose stack Keycloak is the provider,
so this writes the `[auth]` secrets `st.login()` reads from the settings (the CO2CALC_OIDC_* variables)
and replaces itself with the same `streamlit run` command the demo uses.
"""

import os

from config.settings import get_settings
from dashboard.runtime import streamlit_command, write_streamlit_secrets


def main() -> None:
    settings = get_settings()
    secrets_path = write_streamlit_secrets(settings, settings.state_dir / "streamlit" / "secrets.toml")
    command = streamlit_command(settings, secrets_path)
    # exec, not a child process: Streamlit becomes the container's main process and gets its signals.
    os.execv(command[0], command)  # noqa: S606 exec of the settings' Streamlit command, no shell


if __name__ == "__main__":
    main()
