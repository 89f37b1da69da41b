"""When a dashboard session ends (dashboard/session.py): idle time, absolute lifetime from the ID token's iat."""

from dashboard.session import LoginActivity, SessionEnd, issued_at_s, session_end

IDLE_S = 30 * 60
LIFETIME_S = 12 * 3600
LOGIN_S = 1_800_000_000.0


def test_a_fresh_login_with_recent_activity_lasts():
    assert session_end(LOGIN_S, LOGIN_S + 60, LOGIN_S + 120, IDLE_S, LIFETIME_S) is None


def test_the_first_view_after_login_has_no_activity_yet_and_lasts():
    assert session_end(LOGIN_S, None, LOGIN_S + 5, IDLE_S, LIFETIME_S) is None


def test_a_session_idle_for_one_second_more_than_the_limit_ends_as_idle():
    assert session_end(LOGIN_S, LOGIN_S, LOGIN_S + IDLE_S + 1, IDLE_S, LIFETIME_S) is SessionEnd.IDLE
    assert session_end(LOGIN_S, LOGIN_S, LOGIN_S + IDLE_S, IDLE_S, LIFETIME_S) is None


def test_an_active_session_ends_at_its_lifetime_counted_from_iat():
    just_active_s = LOGIN_S + LIFETIME_S
    assert session_end(LOGIN_S, just_active_s, LOGIN_S + LIFETIME_S, IDLE_S, LIFETIME_S) is None
    assert (
        session_end(LOGIN_S, just_active_s, LOGIN_S + LIFETIME_S + 1, IDLE_S, LIFETIME_S)
        is SessionEnd.LIFETIME
    )


def test_a_session_both_idle_and_too_old_ends_for_its_age():
    assert session_end(LOGIN_S, LOGIN_S, LOGIN_S + LIFETIME_S + 1, IDLE_S, LIFETIME_S) is SessionEnd.LIFETIME


def test_a_login_without_iat_is_not_opened():
    assert session_end(None, None, LOGIN_S, IDLE_S, LIFETIME_S) is SessionEnd.NO_ISSUE_TIME
    assert issued_at_s({"sub": "a"}) is None
    assert issued_at_s({"iat": "not a time"}) is None
    assert issued_at_s({"iat": 1_800_000_000}) == LOGIN_S


def test_the_idle_clock_is_shared_by_every_session_of_one_login_so_a_reload_does_not_restart_it():
    activity = LoginActivity()
    claims = {"sub": "dana", "iat": LOGIN_S}

    assert activity.check(claims, LOGIN_S + 10, IDLE_S, LIFETIME_S) is None
    # A new browser tab of the same login (same sub and iat) after the idle time: still the same clock.
    assert activity.check(dict(claims), LOGIN_S + 10 + IDLE_S + 1, IDLE_S, LIFETIME_S) is SessionEnd.IDLE
    # An ended login stays ended: the refused view did not count as activity.
    assert activity.check(claims, LOGIN_S + 10 + IDLE_S + 2, IDLE_S, LIFETIME_S) is SessionEnd.IDLE


def test_each_view_counts_as_activity_and_logging_in_again_starts_a_new_clock():
    activity = LoginActivity()
    claims = {"sub": "dana", "iat": LOGIN_S}
    for minutes in (0, 20, 40, 60):
        assert activity.check(claims, LOGIN_S + 60 * minutes, IDLE_S, LIFETIME_S) is None
    assert activity.check(claims, LOGIN_S + 60 * 100, IDLE_S, LIFETIME_S) is SessionEnd.IDLE

    again = {"sub": "dana", "iat": LOGIN_S + 60 * 101}
    assert activity.check(again, LOGIN_S + 60 * 101, IDLE_S, LIFETIME_S) is None


def test_two_users_keep_two_clocks():
    activity = LoginActivity()
    activity.check({"sub": "dana", "iat": LOGIN_S}, LOGIN_S, IDLE_S, LIFETIME_S)

    assert activity.check({"sub": "luca", "iat": LOGIN_S}, LOGIN_S + IDLE_S + 1, IDLE_S, LIFETIME_S) is None
    assert activity.check({"sub": "dana", "iat": LOGIN_S}, LOGIN_S + IDLE_S + 1, IDLE_S, LIFETIME_S) is (
        SessionEnd.IDLE
    )
