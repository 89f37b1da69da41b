"""A file read, validated and copied in several batches loads exactly what it loads in one (ingest.read streams).

Each file is loaded whole (one batch), then again in batches of 1, 2 and 3 rows after a steward deleted the
previous load, into the same database: the raw rows, the rejects (line numbers, original lines) and the counts
must be the same. The files put file-wide rules across batch boundaries: a row repeated in a later batch, a
decimal comma or a DD.MM.YYYY date first seen in a later batch, and a quoted line break in the last row of a
batch.
"""

from pathlib import Path

import pytest
import sqlalchemy as sa

from ingest.load import load_file
from ingest.steward import delete_load

FIXTURES = Path(__file__).parents[2] / "fixtures"
ONE_BATCH_ROWS = 1_000

PLANES = (
    "unit_institutional_id,origin_iata,destination_iata,user_institutional_id,departure_date,number_of_trips,"
    "cabin_class,note\n"
    "11110,GVA,CDG,150322,2025-03-10,1,economy,iso date\n"
    '11110,GVA,XXX,150322,10.03.2025,1,economy,"two\n'
    'lines"\n'
    "11110,GVA,CDG,150322,31.02.2025,1,economy,\n"
    "# a comment\n"
    "11110,ZRH,LHR,150322,05.06.2024,1,economy,\n"
    '11110,ZRH,LHR,150322,05.06.2025,2,first,"a ""quoted"" note"\n'
    "99999,ZRH,LHR,150322,05.06.2025,1,economy,\n"
    '11110,ZRH,LHR,150322,2025-07-01,1,economy,"three\n'
    "line\n"
    'note"\n'
    "11110,GVA,CDG,150322,2025-03-10,1,economy,iso date\n"
)
PLANES_REJECTS = [
    (3, "TRAVEL_UNKNOWN_IATA", '11110,GVA,XXX,150322,10.03.2025,1,economy,"two\nlines"'),
    (5, "ROW_TYPE", "11110,GVA,CDG,150322,31.02.2025,1,economy,"),
    (7, "ROW_OUT_OF_YEAR", "11110,ZRH,LHR,150322,05.06.2024,1,economy,"),
    (9, "ROW_UNKNOWN_UNIT", "99999,ZRH,LHR,150322,05.06.2025,1,economy,"),
]
# `;` and decimal commas, the first one on the fourth row: 0.5 on the first row is refused whatever the batch.
HEADCOUNT = (
    "unit_institutional_id;name;sius_code;user_institutional_id;fte;note\n"
    "11110;Peter;51;150322;0.5;\n"
    '11110;Anna;54;166495;1;"moved\n'
    'office"\n'
    "11110;Marc;51;170001;1,5;\n"
    "11110;Anna;54;166495;0,25;\n"
    "11110;Lea;51;180002;0,75;\n"
    "11110;Ben;52;190003;1;\n"
)
HEADCOUNT_REJECTS = [
    (2, "ROW_TYPE", "11110;Peter;51;150322;0.5;"),
    (3, "ROW_DUPLICATE", '11110;Anna;54;166495;1;"moved\noffice"'),
    (5, "ROW_RANGE", "11110;Marc;51;170001;1,5;"),
    (6, "ROW_DUPLICATE", "11110;Anna;54;166495;0,25;"),
]


def loaded(engine: sa.Engine, load_id: int, source: str) -> dict[str, object]:
    """What a load left: its raw rows (without load id and time), rejects and counts."""
    with engine.connect() as connection:
        raw = connection.execute(
            sa.text(f"select * from raw.{source} where _load_id = :id order by _row_number"), {"id": load_id}
        ).mappings()
        rows = [{k: v for k, v in row.items() if k not in ("_load_id", "_loaded_at")} for row in raw]
        rejects = connection.execute(
            sa.text(
                "select row_number, column_name, reason_code, reason_message, severity, original_line "
                "from ops.rejects where load_id = :id order by row_number, reason_code, column_name"
            ),
            {"id": load_id},
        ).all()
        counts = connection.execute(
            sa.text(
                "select load_status, rows_read, rows_accepted, rows_rejected, rows_skipped, read_format "
                "from ops.loads where load_id = :id"
            ),
            {"id": load_id},
        ).one()
    return {"rows": rows, "rejects": [tuple(r) for r in rejects], "counts": tuple(counts)}


@pytest.mark.parametrize(
    ("source", "content", "expected_rejects", "expected_accepted"),
    [("travel_planes", PLANES, PLANES_REJECTS, 4), ("headcount", HEADCOUNT, HEADCOUNT_REJECTS, 2)],
)
def test_a_file_loaded_in_batches_leaves_the_rows_and_rejects_of_one_batch(
    engine, tmp_path, source, content, expected_rejects, expected_accepted
):
    path = tmp_path / f"{source}_2025.csv"
    path.write_text(content)
    whole = load_file(engine, path, source, reporting_year=2025, loaded_by="test", batch_rows=ONE_BATCH_ROWS)
    expected = loaded(engine, whole.load_id, source)
    assert [
        (line, code, original) for line, _, code, _, _, original in expected["rejects"]
    ] == expected_rejects
    assert len(expected["rows"]) == whole.rows_accepted == expected_accepted
    for batch_rows in (1, 2, 3):
        delete_load(engine, whole.load_id, reason="load again in batches", deleted_by="test")
        batched = load_file(
            engine, path, source, reporting_year=2025, loaded_by="test", batch_rows=batch_rows
        )
        assert batched.outcome == "loaded"
        assert loaded(engine, batched.load_id, source) == expected, f"batches of {batch_rows} rows"
        assert batched.rejected_rows == whole.rejected_rows
        whole = batched


def test_a_file_whose_every_batch_is_refused_replaces_nothing(engine, tmp_path):
    first = tmp_path / "travel_planes_2025.csv"
    first.write_text(PLANES.split("\n", 2)[0] + "\n11110,GVA,CDG,150322,2025-03-10,1,economy,\n")
    active = load_file(engine, first, "travel_planes", reporting_year=2025, loaded_by="test")
    wrong_year = tmp_path / "corrected" / "travel_planes_2025.csv"
    wrong_year.parent.mkdir()
    wrong_year.write_text(
        PLANES.split("\n", 2)[0] + "\n"
        "11110,GVA,CDG,150322,2024-03-10,1,economy,\n"
        "11110,GVA,XXX,150322,2025-03-10,1,economy,\n"
        "11110,GVA,CDG,150322,2024-05-10,1,economy,\n"
    )
    result = load_file(
        engine, wrong_year, "travel_planes", reporting_year=2025, loaded_by="test", batch_rows=1
    )
    assert result.outcome == "refused"
    assert result.message.startswith("ROWS_ALL_REFUSED")
    assert (result.rows_read, result.rows_rejected, result.rows_skipped) == (3, 1, 2)
    with engine.connect() as connection:
        statuses = connection.execute(
            sa.text(
                "select load_id, load_status from ops.loads where source_code = 'travel_planes' order by 1"
            )
        ).all()
        raw_loads = connection.execute(
            sa.text("select _load_id, count(*) from raw.travel_planes group by 1")
        ).all()
        reject_lines = connection.execute(
            sa.text("select row_number from ops.rejects where load_id = :id order by 1"),
            {"id": result.load_id},
        ).scalars()
        audit = connection.execute(
            sa.text("select audit_action from ops.audit_log where load_id = :id"), {"id": result.load_id}
        ).scalars()
        assert [tuple(s) for s in statuses] == [(active.load_id, "active"), (result.load_id, "refused")]
        assert [tuple(r) for r in raw_loads] == [(active.load_id, 1)]
        assert list(reject_lines) == [2, 3, 4]
        assert list(audit) == ["refused"]
