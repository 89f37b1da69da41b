"""The viewer's unit scope as PostgreSQL accepts it: signed, for one backend, for a short while.

Row-level security reads the scope from three transaction settings, and any role can set settings; what it cannot
do is sign them. `scope.verified_unit_ids()` (ingest/sql/migrations/0005_signed_dashboard_scope.sql) returns the
units only when `co2calc.scope_signature` is the HMAC-SHA256, under the scope-signing secret, of
`<backend pid>:<expires at>:<allowed unit ids>`, and the expiry has not passed; else NULL, and no unit row passes.
The pid ties a signature to the one connection it was made for: one read from `pg_stat_activity` by another
session holding the same login opens nothing there.
"""

import hashlib
import hmac
import time
from collections.abc import Iterable

import sqlalchemy as sa

# Seconds a signature is accepted: a scope is signed for each transaction just before its query, so this is only
# the margin for a slow query's start and clock skew between the dashboard and the database.
SCOPE_TTL_S = 120

# All three last until the end of the transaction (`is_local`), so a pooled connection returns with no scope.
SET_SIGNED_SCOPE = sa.text("""
select
    set_config('co2calc.allowed_unit_ids', :allowed_unit_ids, true) as allowed_unit_ids,
    set_config('co2calc.scope_expires_at', :scope_expires_at, true) as scope_expires_at,
    set_config('co2calc.scope_signature', :scope_signature, true) as scope_signature
""")


def unit_ids_literal(unit_ids: Iterable[str]) -> str:
    """A PostgreSQL text-array literal of the ids, every element quoted (ids may hold spaces, commas, quotes)."""
    quoted = ('"' + unit_id.replace("\\", "\\\\").replace('"', '\\"') + '"' for unit_id in unit_ids)
    return "{" + ",".join(quoted) + "}"


def signed_scope(
    secret: bytes, backend_pid: int, unit_ids: Iterable[str], *, now: float | None = None
) -> dict[str, str]:
    """The settings of SET_SIGNED_SCOPE that give the backend `backend_pid` the subtrees of `unit_ids`."""
    allowed = unit_ids_literal(unit_ids)
    expires_at = str(int(time.time() if now is None else now) + SCOPE_TTL_S)
    message = f"{backend_pid}:{expires_at}:{allowed}".encode()
    return {
        "allowed_unit_ids": allowed,
        "scope_expires_at": expires_at,
        "scope_signature": hmac.new(secret, message, hashlib.sha256).hexdigest(),
    }


def set_signed_scope(
    connection: sa.Connection, secret: bytes, backend_pid: int, unit_ids: Iterable[str]
) -> None:
    connection.execute(SET_SIGNED_SCOPE, signed_scope(secret, backend_pid, unit_ids))


def stored_secret(connection: sa.Connection) -> bytes:
    """The warehouse's own copy of the secret, for a login allowed to read it (the demo's owner, the tests)."""
    return bytes(connection.execute(sa.text("select secret from scope.signing_secret")).scalar_one())
