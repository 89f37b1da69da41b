"""When a logged-in dashboard session ends: after an idle time, and at the latest a fixed time after login.

Streamlit's `st.login` keeps the ID token's claims in a signed cookie for 30 days and offers no expiry of its
own; `st.user` carries the token's `iat` (issued at, seconds since the epoch), the moment the provider last
vouched for the user. The lifetime is counted from it, so nothing here issues or signs a token.

The idle clock is kept per login (`sub`, `iat`) in this process, not in `st.session_state`: a reloaded tab
starts a new Streamlit session, and would otherwise restart the clock. Once a login has been idle too long it
stays ended until the user logs in again (a new `iat`). Several dashboard processes each keep their own clock,
so behind a load balancer without sticky sessions the idle limit holds per process; the lifetime holds
everywhere. A restarted process forgets idle clocks, never lifetimes.
"""

import threading
from collections.abc import Mapping
from enum import StrEnum


class SessionEnd(StrEnum):
    """Why a session ended; `session.ended_<value>` is the text the login page shows."""

    IDLE = "idle"
    LIFETIME = "lifetime"
    # OpenID Connect Core §2 requires `iat` in every ID token: without it the lifetime cannot be checked.
    NO_ISSUE_TIME = "no_issue_time"


def session_end(
    issued_at_s: float | None,
    last_activity_s: float | None,
    now_s: float,
    idle_limit_s: float,
    lifetime_s: float,
) -> SessionEnd | None:
    """The reason the session has ended at `now_s`, or None while it lasts.

    The lifetime wins over idleness: a session past both is over because of its age, which a click cannot fix.
    """
    if issued_at_s is None:
        return SessionEnd.NO_ISSUE_TIME
    if now_s - issued_at_s > lifetime_s:
        return SessionEnd.LIFETIME
    if last_activity_s is not None and now_s - last_activity_s > idle_limit_s:
        return SessionEnd.IDLE
    return None


def issued_at_s(claims: Mapping[str, object]) -> float | None:
    value = claims.get("iat")
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


class LoginActivity:
    """The last activity of each login in this process, keyed by (`sub`, `iat`)."""

    def __init__(self) -> None:
        self._last_activity_s: dict[tuple[str, float], float] = {}
        self._lock = threading.Lock()

    def check(
        self, claims: Mapping[str, object], now_s: float, idle_limit_s: float, lifetime_s: float
    ) -> SessionEnd | None:
        """End the session or record `now_s` as its latest activity. An ended session is not touched again."""
        issued_at = issued_at_s(claims)
        key = (str(claims.get("sub")), issued_at)
        with self._lock:
            ended = session_end(issued_at, self._last_activity_s.get(key), now_s, idle_limit_s, lifetime_s)
            if ended is None:
                self._last_activity_s[key] = now_s
            # Logins past their lifetime are refused from their `iat` alone: forget their clocks.
            self._last_activity_s = {
                login: seen_s
                for login, seen_s in self._last_activity_s.items()
                if login[1] is not None and now_s - login[1] <= lifetime_s
            }
        return ended


LOGIN_ACTIVITY = LoginActivity()
