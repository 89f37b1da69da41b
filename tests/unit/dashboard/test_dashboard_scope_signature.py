"""The signed scope the dashboard sets in each transaction (dashboard/data/scope.py); the database side of the check
is tested with hand-written SQL in tests/integration/test_dashboard_role_rls.py."""

import hashlib
import hmac

import pytest

from dashboard.data.scope import SCOPE_TTL_S, signed_scope, unit_ids_literal


@pytest.mark.parametrize(
    ("unit_ids", "literal"),
    [
        ((), "{}"),
        (("10001",), '{"10001"}'),
        (("0 2", 'a"b', "c,d", "e\\f"), '{"0 2","a\\"b","c,d","e\\\\f"}'),
    ],
)
def test_unit_ids_become_a_text_array_literal_with_every_element_quoted(unit_ids, literal):
    assert unit_ids_literal(unit_ids) == literal


def test_the_signature_covers_the_backend_the_expiry_and_the_units():
    secret = b"k" * 32
    settings = signed_scope(secret, 4242, ["10001", "10002"], now=1_800_000_000.7)

    assert settings["allowed_unit_ids"] == '{"10001","10002"}'
    assert settings["scope_expires_at"] == str(1_800_000_000 + SCOPE_TTL_S)
    message = f"4242:{1_800_000_000 + SCOPE_TTL_S}:" + '{"10001","10002"}'
    assert settings["scope_signature"] == hmac.new(secret, message.encode(), hashlib.sha256).hexdigest()
    assert (
        signed_scope(secret, 4243, ["10001", "10002"], now=1_800_000_000)["scope_signature"]
        != (settings["scope_signature"])
    )
