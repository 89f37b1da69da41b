"""Marts count people by a pseudonymous key that cannot be reversed without the warehouse's secret."""

import hashlib

import sqlalchemy as sa

from ingest.migrate import migrate


def test_person_keys_are_salted_with_the_warehouse_secret(warehouse_url):
    engine = sa.create_engine(warehouse_url)
    with engine.connect() as connection:
        (secret,) = (
            connection.execute(sa.text("select secret_key from ops.person_key_secrets")).scalars().all()
        )
        rows = connection.execute(
            sa.text("""
                select raw.user_institutional_id, staged.person_key
                from raw.headcount as raw
                join staging.stg_csv__headcount as staged
                    on staged.activity_row_id = 'headcount:' || raw._load_id || ':' || raw._row_number
                limit 50
            """)
        ).all()
    engine.dispose()

    assert len(secret) == 64 and rows
    for user_id, person_key in rows:
        assert person_key == hashlib.sha256(f"{secret}:{user_id}".encode()).hexdigest()
        assert person_key not in (
            hashlib.md5(user_id.encode()).hexdigest(),  # noqa: S324 the test checks the key is not a plain MD5
            hashlib.sha256(user_id.encode()).hexdigest(),
        )


def test_the_secret_is_made_once_and_kept(warehouse_url):
    engine = sa.create_engine(warehouse_url)
    secrets = sa.text("select secret_key from ops.person_key_secrets")
    with engine.connect() as connection:
        before = connection.execute(secrets).scalars().all()
    migrate(engine, applied_by="test")
    with engine.connect() as connection:
        after = connection.execute(secrets).scalars().all()
    engine.dispose()

    assert len(before) == 1 and after == before
