"""Data quality: per-module completeness, the completeness grid of units × modules × years, the rows that
produced no emission (METHODOLOGY.md §2.4), and the sources overdue per their cadence (config/cadences.yaml)."""

from datetime import datetime

import pandas as pd
import plotly.graph_objects as go

from config.cadences import CadencesFile, LatestLoad, YearlyCadence, evaluate_freshness
from dashboard.i18n import Translator
from dashboard.palette import BLUE, COMPLETENESS_SCALE, VERMILLION


def module_completeness(
    footprint: pd.DataFrame, unresolved: pd.DataFrame, reporting_year: int
) -> pd.DataFrame:
    """Per module: activity rows with an emission, rows without one, and the share with one.

    Rows with an emission are counted per submodule and scope (`activity_row_count`), so a row whose legs
    fall in two scopes counts twice; rows without one are counted once.
    """
    resolved = (
        footprint[footprint["reporting_year"] == reporting_year]
        .groupby("module_code")["activity_row_count"]
        .sum()
        .rename("rows_with_emission")
    )
    missing = (
        unresolved[unresolved["reporting_year"] == reporting_year]
        .groupby("module_code")["row_count"]
        .sum()
        .rename("rows_without_emission")
    )
    completeness = pd.concat([resolved, missing], axis=1).fillna(0).astype("int64").reset_index()
    counted = completeness["rows_with_emission"] + completeness["rows_without_emission"]
    completeness["completeness_share"] = (completeness["rows_with_emission"] / counted).where(counted > 0)
    return completeness.sort_values("module_code", ignore_index=True)


def completeness_figure(completeness: pd.DataFrame, tr: Translator) -> go.Figure:
    labels = [tr.module(code) for code in completeness["module_code"]]
    figure = go.Figure(
        [
            go.Bar(
                name=tr("quality.rows_with_emission"),
                x=labels,
                y=completeness["rows_with_emission"],
                marker_color=BLUE,
            ),
            go.Bar(
                name=tr("quality.rows_without_emission"),
                x=labels,
                y=completeness["rows_without_emission"],
                marker_color=VERMILLION,
                marker_pattern_shape="/",
            ),
        ]
    )
    figure.update_layout(barmode="stack", xaxis_title=tr("chart.module"), yaxis_title=tr("quality.rows"))
    return figure


def completeness_summary(completeness: pd.DataFrame, tr: Translator) -> str:
    if completeness.empty:
        return tr("summary.empty")
    parts = [
        f"{tr.module(row.module_code)} "
        + ("—" if pd.isna(row.completeness_share) else tr.percent(row.completeness_share))
        for row in completeness.itertuples(index=False)
    ]
    return tr("summary.completeness", values="; ".join(parts))


def completeness_by_module_year(cells: pd.DataFrame) -> pd.DataFrame:
    """Per module and year: the level-4 units with rows, the units in the selection, and the share with rows."""
    grid = (
        cells.groupby(["module_code", "reporting_year"])["has_rows"]
        .agg(units_with_rows="sum", unit_count="size")
        .astype("int64")
        .reset_index()
    )
    grid["units_with_rows_share"] = grid["units_with_rows"] / grid["unit_count"]
    return grid.sort_values(["module_code", "reporting_year"], ignore_index=True)


def completeness_grid_figure(grid: pd.DataFrame, tr: Translator) -> go.Figure:
    shares = grid.pivot(index="module_code", columns="reporting_year", values="units_with_rows_share")
    counts = grid.pivot(index="module_code", columns="reporting_year", values="units_with_rows")
    totals = grid.pivot(index="module_code", columns="reporting_year", values="unit_count")
    figure = go.Figure(
        go.Heatmap(
            z=shares.to_numpy(),
            x=[str(year) for year in shares.columns],
            y=[tr.module(code) for code in shares.index],
            text=[
                [
                    f"{tr.number(count, 0)} / {tr.number(total, 0)}"
                    for count, total in zip(row, totals_row, strict=True)
                ]
                for row, totals_row in zip(counts.to_numpy(), totals.to_numpy(), strict=True)
            ],
            texttemplate="%{text}",
            zmin=0,
            zmax=1,
            colorscale=[list(stop) for stop in COMPLETENESS_SCALE],
            colorbar={"title": tr("quality.units_with_rows_share"), "tickformat": ".0%"},
        )
    )
    figure.update_layout(
        xaxis_title=tr("column.reporting_year"), yaxis_title=tr("chart.module"), xaxis_type="category"
    )
    return figure


def completeness_grid_summary(grid: pd.DataFrame, tr: Translator) -> str:
    if grid.empty:
        return tr("summary.empty")
    gaps = grid[grid["units_with_rows"] < grid["unit_count"]]
    if gaps.empty:
        return tr("summary.completeness_grid_full", cells=tr.number(len(grid), 0))
    listed = "; ".join(
        tr(
            "summary.completeness_grid_gap",
            module=tr.module(row.module_code),
            year=row.reporting_year,
            count=tr.number(row.units_with_rows, 0),
            total=tr.number(row.unit_count, 0),
        )
        for row in gaps.itertuples(index=False)
    )
    return tr(
        "summary.completeness_grid",
        complete=tr.number(len(grid) - len(gaps), 0),
        cells=tr.number(len(grid), 0),
        gaps=listed,
    )


def completeness_by_unit_year(cells: pd.DataFrame) -> pd.DataFrame:
    """One row per level-4 unit and year, one column per module: whether the unit has rows there."""
    return (
        cells.pivot(
            index=["unit_code", "unit_name", "reporting_year"], columns="module_code", values="has_rows"
        )
        .astype(bool)
        .reset_index()
        .rename_axis(columns=None)
    )


FRESHNESS_ORDER = {"stale": 0, "never_loaded": 1, "fresh": 2}


def source_freshness(
    latest_loads: pd.DataFrame, cadences: CadencesFile, now: datetime, tr: Translator
) -> pd.DataFrame:
    """Every file source and feed of `cadences` judged against its latest successful load, most urgent first.

    `latest_loads` has one row per file source (`feed_name` null) and per feed: `source_code`, `feed_name`,
    `finished_at` (the latest successful load) and `reporting_year` (the latest reporting year loaded).
    """
    # A feed's loads are judged as the feed, never as its source's yearly file.
    by_source = {
        ("file", row.source_code) if pd.isna(row.feed_name) else ("feed", row.feed_name): row
        for row in latest_loads.itertuples(index=False)
    }
    rows = []
    for kind, declared in (("file", cadences.files), ("feed", cadences.feeds)):
        for name, cadence in declared.items():
            loaded = by_source.get((kind, name))
            latest = (
                None
                if loaded is None
                else LatestLoad(
                    finished_at=loaded.finished_at.to_pydatetime(),
                    reporting_year=None if pd.isna(loaded.reporting_year) else int(loaded.reporting_year),
                )
            )
            freshness = evaluate_freshness(cadence, latest, now)
            rows.append(
                {
                    "source_name": name,
                    "source_kind": tr(f"freshness.kind.{kind}"),
                    "cadence": (
                        tr("freshness.cadence_yearly", due=cadence.due)
                        if isinstance(cadence, YearlyCadence)
                        else tr("freshness.cadence_interval", hours=cadence.hours)
                    ),
                    "last_loaded_at": latest.finished_at if latest else pd.NaT,
                    "latest_reporting_year": latest.reporting_year if latest else None,
                    "status": tr(f"freshness.status.{freshness.status}"),
                    "due_at": freshness.due_at or pd.NaT,
                    "_order": FRESHNESS_ORDER[freshness.status],
                }
            )
    frame = pd.DataFrame(rows).sort_values(["_order", "due_at", "source_name"], ignore_index=True)
    return frame.drop(columns="_order").astype({"latest_reporting_year": "Int64"})
