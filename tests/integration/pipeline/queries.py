"""The queries the pipeline tests share: rows of a warehouse, and the rows that belong to the raw row a note names.

A worked example is found by its fixture row's `note`. A statement for `rows_by_note` joins that raw row with
`raw_row_join` (the raw table stays a `{table}` placeholder; the source and note are bound), so every test finds
the legs of a row the way fct_emissions keys them (`<source>:<load id>:<line>`).
"""

import sqlalchemy as sa


def raw_row_join(alias: str = "f") -> str:
    """`join raw.{table} as r` on the activity row id of the relation aliased `alias`."""
    return (
        "join raw.{table} as r on "
        + alias
        + ".activity_row_id = :source || ':' || r._load_id || ':' || r._row_number"
    )


def query_rows(url: str, sql: str, **parameters) -> list[sa.Row]:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(sa.text(sql), parameters).all()
    engine.dispose()
    return rows


def rows_by_note(url: str, statement: str, table: str, note: str) -> list[sa.Row]:
    """The rows of `statement` for the row of `raw.<table>` whose note is `note` (the table is also its source)."""
    return query_rows(url, statement.format(table=table), source=table, note=note)


def one_row_by_note(url: str, statement: str, table: str, note: str) -> sa.Row:
    rows = rows_by_note(url, statement, table, note)
    assert len(rows) == 1, f"{note}: expected one emission row, got {rows}"
    return rows[0]


EMISSION_BY_NOTE = f"""
select f.*
from {{marts}}.fct_emissions as f
{raw_row_join()}
where r.note = :note
"""


def emission(url: str, table: str, note: str, marts_schema: str = "marts") -> sa.Row:
    """The one emission leg (a fct_emissions row of `marts_schema`: the headline's, or a what-if's) of the row of
    `raw.<table>` whose note is `note`."""
    return one_row_by_note(url, EMISSION_BY_NOTE.format(marts=marts_schema, table="{table}"), table, note)


# The schemas a headline build writes (dbt_project.yml): a what-if must leave every relation in them as it was.
HEADLINE_SCHEMAS = ("reference", "staging", "intermediate", "marts", "reporting")


def relation_fingerprints(url: str, schemas: tuple[str, ...] = HEADLINE_SCHEMAS) -> dict[str, tuple]:
    """Each table and view of `schemas` as (oid, md5 of its rows in order): a rebuilt relation gets another oid
    even with the same rows, and changed rows another md5 (views: oid only)."""
    engine = sa.create_engine(url)
    fingerprints = {}
    with engine.connect() as connection:
        relations = connection.execute(
            sa.text(
                "select classes.oid, namespaces.nspname, classes.relname, classes.relkind "
                "from pg_class as classes join pg_namespace as namespaces on classes.relnamespace = namespaces.oid "
                "where namespaces.nspname = any(:schemas) and classes.relkind in ('r', 'p', 'v')"
            ),
            {"schemas": list(schemas)},
        ).all()
        for relation in relations:
            name = f'"{relation.nspname}"."{relation.relname}"'
            digest = (
                connection.exec_driver_sql(
                    f"select md5(coalesce(string_agg(t::text, chr(10) order by t::text), '')) from {name} as t"
                ).scalar_one()
                if relation.relkind != "v"
                else None
            )
            fingerprints[name] = (relation.oid, digest)
    engine.dispose()
    return fingerprints
