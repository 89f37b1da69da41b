"""Rows skipped on purpose (severity INFO, METHODOLOGY.md §1.8) are reported, never counted as refused.

Regression: a blank pre-filled template line counted as a refused row, so a template sent back untouched
(the process-emissions template's 51 lines are all blank) was refused as ROWS_ALL_REFUSED.
"""

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from ingest.load import load_file
from ingest.reference import EPFL_TEMPLATES_DIR

FIXTURES = Path(__file__).parents[2] / "fixtures"
PLANES_HEADER = (
    "unit_institutional_id,origin_iata,destination_iata,user_institutional_id,departure_date,"
    "number_of_trips,cabin_class,note\n"
)


def rejects(engine, load_id: int) -> list[tuple]:
    with engine.connect() as connection:
        return [
            tuple(row)
            for row in connection.execute(
                sa.text(
                    "select row_number, reason_code, severity from ops.rejects where load_id = :id "
                    "order by row_number, reason_code"
                ),
                {"id": load_id},
            )
        ]


def load_counts(engine, load_id: int) -> tuple:
    with engine.connect() as connection:
        return tuple(
            connection.execute(
                sa.text(
                    "select load_status, rows_read, rows_accepted, rows_rejected, rows_skipped from ops.loads "
                    "where load_id = :id"
                ),
                {"id": load_id},
            ).one()
        )


def test_the_untouched_process_template_loads_as_accepted_with_every_line_skipped(engine, tmp_path):
    path = tmp_path / "processemissions_2025.csv"
    shutil.copy(EPFL_TEMPLATES_DIR / "processemissions_template.csv", path)
    result = load_file(
        engine, path, "processemissions", reporting_year=2025, unit_institutional_id="11110", loaded_by="test"
    )
    assert (result.outcome, result.rows_read, result.rows_accepted, result.rows_rejected) == (
        "loaded",
        51,
        0,
        0,
    )
    assert result.rows_skipped == 51
    assert load_counts(engine, result.load_id) == ("active", 51, 0, 0, 51)
    skipped = rejects(engine, result.load_id)
    assert len(skipped) == 51
    assert {(code, severity) for _, code, severity in skipped} == {("ROW_BLANK_TEMPLATE_LINE", "info")}


def test_an_out_of_year_row_is_skipped_and_the_rest_loads(engine, tmp_path):
    path = tmp_path / "travel_planes_2025.csv"
    path.write_text(
        PLANES_HEADER
        + "11110,GVA,CDG,150322,2025-03-10,1,economy,\n11110,GVA,CDG,150322,2024-12-31,1,economy,\n"
    )
    result = load_file(engine, path, "travel_planes", reporting_year=2025, loaded_by="test")
    assert (result.outcome, result.rows_accepted, result.rows_rejected, result.rows_skipped) == (
        "loaded",
        1,
        0,
        1,
    )
    assert [r.severity for r in result.rejected_rows] == ["info"]
    assert rejects(engine, result.load_id) == [(3, "ROW_OUT_OF_YEAR", "info")]


def test_refused_rows_are_still_refused_beside_skipped_ones(engine, tmp_path):
    path = tmp_path / "travel_planes_2025.csv"
    path.write_text(
        PLANES_HEADER
        + "11110,GVA,CDG,150322,2025-03-10,1,economy,\n"
        + "11110,GVA,XXX,150322,2025-03-10,1,economy,\n"
        + "11110,GVA,CDG,150322,2024-12-31,1,economy,\n"
    )
    result = load_file(engine, path, "travel_planes", reporting_year=2025, loaded_by="test")
    assert (result.rows_accepted, result.rows_rejected, result.rows_skipped) == (1, 1, 1)
    assert rejects(engine, result.load_id) == [
        (3, "TRAVEL_UNKNOWN_IATA", "error"),
        (4, "ROW_OUT_OF_YEAR", "info"),
    ]


def test_a_file_of_skipped_and_refused_rows_only_is_refused_and_keeps_the_previous_load(engine, tmp_path):
    good = load_file(
        engine,
        FIXTURES / "travel_planes/worked_examples_2025.csv",
        "travel_planes",
        reporting_year=2025,
        loaded_by="test",
    )
    path = tmp_path / "flights.csv"
    path.write_text(
        PLANES_HEADER
        + "11110,GVA,XXX,150322,2025-03-10,1,economy,\n"
        + "11110,GVA,CDG,150322,2024-12-31,1,economy,\n"
    )
    bad = load_file(engine, path, "travel_planes", reporting_year=2025, loaded_by="test")
    assert bad.outcome == "refused" and bad.message.startswith("ROWS_ALL_REFUSED")
    assert (bad.rows_rejected, bad.rows_skipped) == (1, 1)
    assert load_counts(engine, good.load_id)[0] == "active"


@pytest.mark.parametrize(
    ("source", "template", "accepted", "skipped"),
    [
        # storage AWS 6192 and storage GCP 15432 (EUR) are kept; the ten lines with a blank amount are skipped.
        ("external_clouds", "external_clouds_template.csv", 2, 10),
        # Gemini 1_5 x 0.8, Mistral 5_20 x 3 (W16a), Claude 20_100 x 5, ChatGPT gt_100 x 0.8 (text) are kept; the
        # fifteen lines with a blank band are skipped.
        ("external_ai", "external_ai_template.csv", 4, 15),
    ],
)
def test_the_epfl_cloud_and_ai_templates_load_as_shipped(
    engine, tmp_path, source, template, accepted, skipped
):
    path = tmp_path / f"{source}_2025.csv"
    shutil.copy(EPFL_TEMPLATES_DIR / template, path)
    result = load_file(
        engine, path, source, reporting_year=2025, unit_institutional_id="11110", loaded_by="test"
    )
    assert (result.outcome, result.rows_accepted, result.rows_rejected, result.rows_skipped) == (
        "loaded",
        accepted,
        0,
        skipped,
    )
    with engine.connect() as connection:
        units = connection.execute(
            sa.text(f"select distinct unit_institutional_id from raw.{source}")
        ).scalars()
        assert list(units) == ["11110"]
