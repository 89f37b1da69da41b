import pytest
from pydantic import ValidationError

from config.settings import DEMO_OIDC_CLIENT_SECRET, Settings


def test_database_urls_must_name_their_driver():
    with pytest.raises(ValidationError, match="must name its driver"):
        Settings(database_url="postgresql://postgres@127.0.0.1/co2calc")
    assert Settings(database_url="postgresql+psycopg2://postgres@127.0.0.1/co2calc").database_url


REAL_PROVIDER = "https://login.example.org/.well-known/openid-configuration"
# What `secrets.token_urlsafe(32)` and a provider's console give.
STRONG_COOKIE_SECRET = "q8Zf3Lw0-Rk2vNb7Tx5yHc1_MdGs9PaJeUo4iWtYl6E"
ISSUED_CLIENT_SECRET = "kJ7wq2PZr9XbT4mN"
STRONG_SCOPE_SIGNING_SECRET = "Ne5Rt2Yu8Io4Pa1Sd7Fg3Hj9Kl6Zx0CvBm-w2QeR"


@pytest.mark.parametrize(
    ("cookie_secret", "refusal"),
    [
        (None, "demo's or an example's value"),
        ("change-me-cookie-secret-of-32-characters-or-more", "demo's or an example's value"),
        ("x", "too weak: .* 1 characters"),
        ("", "too weak: .* 0 characters"),
        ("abababababababababababababababababababab", "too weak: .* ~40 bits"),
        ("correcthorsebatterystaplecorrecthorse", "too weak"),
    ],
)
def test_a_real_login_provider_refuses_a_published_short_or_guessable_cookie_secret(cookie_secret, refusal):
    secrets = {"oidc_client_secret": ISSUED_CLIENT_SECRET}
    if cookie_secret is not None:
        secrets["oidc_cookie_secret"] = cookie_secret
    with pytest.raises(ValidationError, match=f"CO2CALC_OIDC_COOKIE_SECRET .*{refusal}"):
        Settings(oidc_metadata_url=REAL_PROVIDER, **secrets)


@pytest.mark.parametrize("client_secret", [DEMO_OIDC_CLIENT_SECRET, "change-me-oidc-client-secret"])
def test_a_real_login_provider_refuses_the_demo_or_example_client_secret(client_secret):
    with pytest.raises(ValidationError, match="CO2CALC_OIDC_CLIENT_SECRET must be the secret your provider"):
        Settings(
            oidc_metadata_url=REAL_PROVIDER,
            oidc_cookie_secret=STRONG_COOKIE_SECRET,
            oidc_client_secret=client_secret,
        )


def test_a_real_login_provider_with_secrets_of_its_own_is_used():
    configured = Settings(
        oidc_metadata_url=REAL_PROVIDER,
        oidc_cookie_secret=STRONG_COOKIE_SECRET,
        oidc_client_secret=ISSUED_CLIENT_SECRET,
        scope_signing_secret=STRONG_SCOPE_SIGNING_SECRET,
    )
    assert configured.oidc_server_metadata_url == REAL_PROVIDER
    assert STRONG_SCOPE_SIGNING_SECRET not in repr(configured)


def test_a_real_login_provider_needs_a_scope_signing_secret():
    with pytest.raises(
        ValidationError, match="CO2CALC_SCOPE_SIGNING_SECRET must be set when CO2CALC_OIDC_METADATA_URL"
    ):
        Settings(
            oidc_metadata_url=REAL_PROVIDER,
            oidc_cookie_secret=STRONG_COOKIE_SECRET,
            oidc_client_secret=ISSUED_CLIENT_SECRET,
        )


@pytest.mark.parametrize(
    ("scope_signing_secret", "refusal"),
    [
        ("change-me-scope-signing-secret-of-32-characters", "holds an example's value"),
        ("x", "is too weak: .* 1 characters"),
        ("abababababababababababababababababababab", "is too weak: .* ~40 bits"),
    ],
)
def test_a_published_short_or_guessable_scope_signing_secret_is_refused_wherever_it_is_set(
    scope_signing_secret, refusal
):
    # Also without a login provider: `co2calc migrate` stores it in the warehouse.
    with pytest.raises(ValidationError, match=f"CO2CALC_SCOPE_SIGNING_SECRET {refusal}"):
        Settings(scope_signing_secret=scope_signing_secret)


def test_an_empty_scope_signing_secret_or_steward_url_is_unset(monkeypatch):
    monkeypatch.setenv("CO2CALC_SCOPE_SIGNING_SECRET", "")
    monkeypatch.setenv("CO2CALC_STEWARD_DATABASE_URL", "")
    settings = Settings()
    assert settings.scope_signing_secret is None and settings.steward_database_url is None


def test_the_demo_provider_is_used_only_when_asked_for():
    with pytest.raises(ValueError, match="no login provider: set CO2CALC_OIDC_METADATA_URL"):
        _ = Settings(oidc_port=9411).oidc_server_metadata_url
    assert Settings(oidc_port=9411, oidc_demo_provider=True).oidc_server_metadata_url == (
        "http://127.0.0.1:9411/.well-known/openid-configuration"
    )


def test_an_empty_s3_inbox_variable_leaves_the_s3_inbox_off(monkeypatch):
    # docker-compose passes every CO2CALC_S3_INBOX_* variable, empty when .env leaves it out.
    monkeypatch.setenv("CO2CALC_S3_INBOX_BUCKET", "")
    monkeypatch.setenv("CO2CALC_S3_INBOX_SECRET_ACCESS_KEY", "")
    settings = Settings()
    assert (settings.s3_inbox_bucket, settings.s3_inbox_secret_access_key) == (None, None)
    monkeypatch.setenv("CO2CALC_S3_INBOX_BUCKET", "co2calc-inbox")
    assert Settings().s3_inbox_bucket == "co2calc-inbox"


def test_results_are_kept_at_least_as_long_as_the_travel_detail_they_summarise():
    defaults = Settings()
    assert (defaults.travel_detail_retention_years, defaults.results_retention_years) == (5, 10)
    with pytest.raises(ValidationError, match=r"CO2CALC_RESULTS_RETENTION_YEARS \(4\) must be at least"):
        Settings(results_retention_years=4)
