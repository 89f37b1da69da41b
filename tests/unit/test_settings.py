import pytest
from pydantic import ValidationError

from config.settings import Settings


def test_database_urls_must_name_their_driver():
    with pytest.raises(ValidationError, match="must name its driver"):
        Settings(database_url="postgresql://postgres@127.0.0.1/co2calc")
    assert Settings(database_url="postgresql+psycopg2://postgres@127.0.0.1/co2calc").database_url


def test_a_real_login_provider_needs_its_own_cookie_secret():
    with pytest.raises(ValidationError, match="CO2CALC_OIDC_COOKIE_SECRET must be set"):
        Settings(oidc_metadata_url="https://login.example.org/.well-known/openid-configuration")
    configured = Settings(
        oidc_metadata_url="https://login.example.org/.well-known/openid-configuration",
        oidc_cookie_secret="a-long-random-value",
    )
    assert configured.oidc_server_metadata_url.startswith("https://login.example.org")


def test_without_a_provider_the_demo_provider_on_its_port_is_used():
    assert Settings(oidc_port=9411).oidc_server_metadata_url == (
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
