"""Render the dashboard's landing page for a director, once per line read on stdin, and print how long it took.

Run in its own process by tests/integration/faults/test_redis_drills.py, so that the dashboard reads its settings
(`CO2CALC_DATABASE_URL`, `CO2CALC_REDIS_URL`) as a dashboard process does, at import. Each line written is JSON:
`seconds`, the page's `metrics` (label -> value) and its `exceptions`.
"""

import json
import sys
import time

from streamlit.testing.v1 import AppTest

from config.settings import get_settings
from dashboard.auth import load_role_config
from dashboard.runtime import APP_PATH


def director_claims() -> dict:
    rule = next(r for r in load_role_config(get_settings().roles_file).roles if r.role == "institution")
    return {
        "is_logged_in": True,
        "iat": time.time(),
        "email": "director@example.org",
        "groups": [sorted(rule.groups)[0]],
    }


def render() -> dict:
    app = AppTest.from_file(str(APP_PATH), default_timeout=120)
    app.user = director_claims()
    started = time.monotonic()
    app.run()
    seconds = time.monotonic() - started
    return {
        "seconds": seconds,
        "metrics": {metric.label: metric.value for metric in app.metric},
        "exceptions": [exception.message for exception in app.exception],
    }


if __name__ == "__main__":
    for _line in sys.stdin:
        print(json.dumps(render()), flush=True)
