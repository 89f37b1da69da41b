"""Data quality: per-module completeness and the rows that produced no emission (METHODOLOGY.md §2.4)."""

import pandas as pd
import plotly.graph_objects as go

from dashboard.i18n import Translator
from dashboard.palette import BLUE, VERMILLION


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
