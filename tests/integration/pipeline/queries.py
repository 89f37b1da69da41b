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
from marts.fct_emissions as f
{raw_row_join()}
where r.note = :note
"""


def emission(url: str, table: str, note: str) -> sa.Row:
    """The one emission leg (a marts.fct_emissions row) of the row of `raw.<table>` whose note is `note`."""
    return one_row_by_note(url, EMISSION_BY_NOTE, table, note)
