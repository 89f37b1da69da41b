"""The completeness grid (labs × modules × years) and the stale-sources table, as pure functions of frames."""

from datetime import UTC, datetime

import pandas as pd
import pytest

from config.cadences import CadencesFile, IntervalCadence, YearlyCadence
from dashboard.components.quality import (
    completeness_by_module_year,
    completeness_by_unit_year,
    completeness_grid_figure,
    completeness_grid_summary,
    source_freshness,
)
from dashboard.i18n import Translator
from dashboard.palette import COMPLETENESS_SCALE


@pytest.fixture
def cells() -> pd.DataFrame:
    """Two labs, two years, two modules: lab B sent no travel in 2025."""
    rows = [
        ("LAB-A", "Lab A", 2024, "travel", True),
        ("LAB-A", "Lab A", 2024, "buildings", True),
        ("LAB-A", "Lab A", 2025, "travel", True),
        ("LAB-A", "Lab A", 2025, "buildings", True),
        ("LAB-B", "Lab B", 2024, "travel", True),
        ("LAB-B", "Lab B", 2024, "buildings", True),
        ("LAB-B", "Lab B", 2025, "travel", False),
        ("LAB-B", "Lab B", 2025, "buildings", True),
    ]
    return pd.DataFrame(rows, columns=["unit_code", "unit_name", "reporting_year", "module_code", "has_rows"])


def test_the_grid_counts_the_labs_with_rows_per_module_and_year(cells):
    grid = completeness_by_module_year(cells).set_index(["module_code", "reporting_year"])

    assert grid.loc[("travel", 2025)].to_dict() == {
        "units_with_rows": 1,
        "unit_count": 2,
        "units_with_rows_share": 0.5,
    }
    assert grid.loc[("buildings", 2025), "units_with_rows_share"] == 1.0


def test_the_heatmap_shows_each_count_as_text_on_the_colour_blind_scale(cells):
    tr = Translator("fr")
    heatmap = completeness_grid_figure(completeness_by_module_year(cells), tr).data[0]

    assert list(heatmap.x) == ["2024", "2025"]
    travel = list(heatmap.y).index(tr.module("travel"))
    assert list(heatmap.text[travel]) == ["2 / 2", "1 / 2"]
    assert [tuple(stop) for stop in heatmap.colorscale] == list(COMPLETENESS_SCALE)


def test_the_text_alternative_names_each_gap(cells):
    tr = Translator("en")

    summary = completeness_grid_summary(completeness_by_module_year(cells), tr)

    assert summary == (
        f"3 of 4 module-years have rows from every lab; the gaps: {tr.module('travel')} 2025: 1 of 2 labs."
    )


def test_the_text_alternative_says_when_every_lab_delivered_everything(cells):
    complete = cells.assign(has_rows=True)
    assert completeness_grid_summary(completeness_by_module_year(complete), Translator("de")) == (
        "Jedes Labor hat Zeilen in jedem der 4 Modul-Jahre."
    )


def test_the_table_has_a_line_per_lab_and_year_and_a_column_per_module(cells):
    table = completeness_by_unit_year(cells)

    assert list(table.columns) == ["unit_code", "unit_name", "reporting_year", "buildings", "travel"]
    lab_b_2025 = table[(table["unit_code"] == "LAB-B") & (table["reporting_year"] == 2025)].iloc[0]
    assert (lab_b_2025["buildings"], lab_b_2025["travel"]) == (True, False)


CADENCES = CadencesFile(
    files={
        "units": YearlyCadence(kind="yearly", due="02-28"),
        "travel_planes": YearlyCadence(kind="yearly", due="03-31"),
        "headcount": YearlyCadence(kind="yearly", due="02-28"),
    },
    feeds={"hr_headcount": IntervalCadence(kind="interval", hours=24)},
)


def test_sources_are_judged_against_their_cadence_most_urgent_first():
    now = datetime(2026, 11, 26, 9, tzinfo=UTC)
    latest_loads = pd.DataFrame(
        [
            # A feed batch of headcount must not count as the yearly headcount file.
            ("headcount", "hr_headcount", pd.Timestamp("2026-11-26 08:00", tz="UTC"), 2026),
            ("travel_planes", None, pd.Timestamp("2026-05-01 10:00", tz="UTC"), 2024),
            ("units", None, pd.Timestamp("2026-02-01 10:00", tz="UTC"), None),
        ],
        columns=["source_code", "feed_name", "finished_at", "reporting_year"],
    )

    table = source_freshness(latest_loads, CADENCES, now, Translator("en"))

    assert table[["source_name", "source_kind", "status", "latest_reporting_year"]].to_dict("records") == [
        {
            "source_name": "travel_planes",
            "source_kind": "File",
            "status": "Overdue",
            "latest_reporting_year": 2024,
        },
        {
            "source_name": "headcount",
            "source_kind": "File",
            "status": "Never loaded",
            "latest_reporting_year": None,
        },
        {
            "source_name": "hr_headcount",
            "source_kind": "Feed",
            "status": "Up to date",
            "latest_reporting_year": 2026,
        },
        {
            "source_name": "units",
            "source_kind": "File",
            "status": "Up to date",
            "latest_reporting_year": None,
        },
    ]
    assert table.loc[0, "due_at"] == pd.Timestamp("2026-04-01", tz="UTC")
    assert table.loc[0, "cadence"] == "Yearly, due 03-31 (MM-DD)"
    assert table.loc[2, "due_at"] == pd.Timestamp("2026-11-27 08:00", tz="UTC")


def test_a_selection_without_labs_draws_an_empty_grid_and_says_so(cells):
    tr = Translator("en")
    grid = completeness_by_module_year(cells.iloc[0:0])

    assert completeness_grid_summary(grid, tr) == tr("summary.empty")
    assert len(completeness_grid_figure(grid, tr).data[0].y) == 0
    assert completeness_by_unit_year(cells.iloc[0:0]).empty
