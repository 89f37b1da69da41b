"""Figures of the overview, breakdown, trends and IT pages, each a pure function of a loader's DataFrame.

Every figure takes the page's `Translator` for its labels, and each has a `*_summary` sentence, its text
alternative. Categories are whatever (module, submodule) pairs the rows carry: a new module needs no code.
"""

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from config.institution import PerPersonLine
from dashboard.i18n import Translator
from dashboard.palette import REFERENCE_COLOUR, SCOPE_COLOURS, series_colour


def with_category_labels(footprint: pd.DataFrame, tr: Translator) -> pd.DataFrame:
    return footprint.assign(
        module_label=[tr.module(code) for code in footprint["module_code"]],
        category=[
            tr.category(module, submodule)
            for module, submodule in zip(footprint["module_code"], footprint["submodule_code"], strict=True)
        ],
    )


def totals_by_category(footprint: pd.DataFrame, tr: Translator) -> pd.DataFrame:
    """One row per module / submodule, largest first, with its share of the frame's total."""
    labelled = with_category_labels(footprint, tr)
    totals = labelled.groupby(["module_code", "submodule_code", "category"], as_index=False)["t_co2e"].sum()
    total = totals["t_co2e"].sum()
    totals["share"] = totals["t_co2e"] / total if total else 0.0
    return totals.sort_values(["t_co2e", "category"], ascending=[False, True], ignore_index=True)


def largest_category_summary(footprint: pd.DataFrame, tr: Translator) -> str:
    totals = totals_by_category(footprint, tr)
    if totals.empty:
        return tr("summary.empty")
    top = totals.iloc[0]
    return tr(
        "summary.largest_category",
        count=len(totals),
        total=tr.number(totals["t_co2e"].sum()),
        category=top["category"],
        t_co2e=tr.number(top["t_co2e"]),
        share=tr.percent(top["share"]),
    )


def footprint_by_module_and_scope(footprint: pd.DataFrame, tr: Translator) -> go.Figure:
    """Stacked bars, one per module / submodule, one trace per GHG scope present."""
    frame = with_category_labels(footprint, tr)
    by_category = frame.groupby(["category", "ghg_scope"], as_index=False)["t_co2e"].sum()
    category_order = (
        by_category.groupby("category")["t_co2e"].sum().sort_values(ascending=False).index.tolist()
    )
    figure = go.Figure()
    for ghg_scope in sorted(by_category["ghg_scope"].unique()):
        scope_rows = by_category[by_category["ghg_scope"] == ghg_scope]
        figure.add_trace(
            go.Bar(
                name=tr("chart.scope", scope=int(ghg_scope)),
                x=scope_rows["category"],
                y=scope_rows["t_co2e"],
                marker_color=SCOPE_COLOURS.get(int(ghg_scope)),
                hovertemplate="%{x}<br>%{y:,.2f} t CO2e<extra>%{fullData.name}</extra>",
            )
        )
    figure.update_layout(
        barmode="stack",
        xaxis={"categoryorder": "array", "categoryarray": category_order, "title": tr("chart.category")},
        yaxis_title="t CO2e",
        legend_title=tr("chart.ghg_scope"),
        showlegend=True,
    )
    return figure


# One dash per comparison line: the lines share the reference colour (palette.py) and differ by pattern, which
# reads without colour vision too.
PER_PERSON_LINE_DASHES = ("dash", "dot", "dashdot", "longdash", "longdashdot")


def per_person_line_name(line: PerPersonLine, tr: Translator) -> str:
    return tr(
        "chart.person_reference",
        t_co2e=tr.number(line.t_co2e_per_person_yr, 1),
        source=tr(f"per_person.{line.key}"),
    )


def intensity_against_per_person_lines(
    intensity: pd.DataFrame, lines: Sequence[PerPersonLine], tr: Translator
) -> go.Figure:
    """t CO2e per FTE per year, with each per-person comparison line (METHODOLOGY.md §6) as its own trace."""
    years = intensity.dropna(subset=["t_co2e_per_fte"])
    year_labels = years["reporting_year"].astype(str)
    figure = go.Figure(
        go.Bar(
            name=tr("chart.t_co2e_per_fte"),
            x=year_labels,
            y=years["t_co2e_per_fte"],
            marker_color=series_colour(0),
            hovertemplate="%{x}: %{y:,.2f} t CO2e / FTE<extra></extra>",
        )
    )
    for position, line in enumerate(lines):
        figure.add_trace(
            go.Scatter(
                name=per_person_line_name(line, tr),
                x=year_labels,
                y=[line.t_co2e_per_person_yr] * len(years),
                mode="lines",
                line={
                    "dash": PER_PERSON_LINE_DASHES[position % len(PER_PERSON_LINE_DASHES)],
                    "color": REFERENCE_COLOUR,
                },
            )
        )
    # Years as categories: plotly would otherwise read "2024" as a number and tick 2,024.5.
    figure.update_layout(
        xaxis={"title": tr("chart.reporting_year"), "type": "category"},
        yaxis_title=tr("chart.t_co2e_per_fte"),
    )
    return figure


def intensity_summary(intensity: pd.DataFrame, lines: Sequence[PerPersonLine], tr: Translator) -> str:
    years = intensity.dropna(subset=["t_co2e_per_fte"])
    if years.empty:
        return tr("summary.no_fte")
    parts = [
        f"{int(row.reporting_year)}: {tr.number(row.t_co2e_per_fte)}" for row in years.itertuples(index=False)
    ]
    return tr(
        "summary.intensity_by_year",
        values="; ".join(parts),
        references="; ".join(per_person_line_name(line, tr) for line in lines),
    )


def per_person_note(lines: Sequence[PerPersonLine], tr: Translator) -> str:
    """The caption under a chart that draws per-person lines: their sources, and why they are a convention."""
    return tr(
        "reference.person_note",
        lines="; ".join(
            tr("reference.person_line", name=per_person_line_name(line, tr), year=line.year) for line in lines
        ),
    )


def breakdown_sunburst(footprint: pd.DataFrame, tr: Translator) -> go.Figure:
    """GHG scope → module → submodule, sized by t CO2e; click a ring to zoom in."""
    frame = with_category_labels(footprint, tr)
    ids: list[str] = []
    labels: list[str] = []
    parents: list[str] = []
    values: list[float] = []
    colours: list[str | None] = []
    for ghg_scope, scope_rows in frame.groupby("ghg_scope", sort=True):
        scope_id = f"scope{int(ghg_scope)}"
        colour = SCOPE_COLOURS.get(int(ghg_scope))
        ids.append(scope_id)
        labels.append(tr("chart.scope", scope=int(ghg_scope)))
        parents.append("")
        values.append(0.0)
        colours.append(colour)
        for module_code, module_rows in scope_rows.groupby("module_code", sort=True):
            module_id = f"{scope_id}/{module_code}"
            ids.append(module_id)
            labels.append(tr.module(module_code))
            parents.append(scope_id)
            values.append(0.0)
            colours.append(colour)
            for submodule_code, submodule_rows in module_rows.groupby("submodule_code", sort=True):
                ids.append(f"{module_id}/{submodule_code}")
                labels.append(tr.submodule(module_code, submodule_code))
                parents.append(module_id)
                values.append(float(submodule_rows["t_co2e"].sum()))
                colours.append(colour)
    figure = go.Figure(
        go.Sunburst(
            ids=ids,
            labels=labels,
            parents=parents,
            values=values,
            # Only the leaves carry a value (see units.unit_hierarchy_sunburst for why "remainder").
            branchvalues="remainder",
            marker={"colors": colours},
            hovertemplate="%{label}<br>%{value:,.2f} t CO2e<extra></extra>",
        )
    )
    figure.update_layout(margin={"t": 10, "l": 10, "r": 10, "b": 10})
    return figure


def scope_summary(footprint: pd.DataFrame, tr: Translator) -> str:
    by_scope = footprint.groupby("ghg_scope")["t_co2e"].sum()
    total = by_scope.sum()
    if not total:
        return tr("summary.empty")
    parts = [
        f"{tr('chart.scope', scope=int(scope))} {tr.number(t)} t ({tr.percent(t / total)})"
        for scope, t in by_scope.items()
    ]
    return tr("summary.by_scope", values="; ".join(parts))


def totals_by_module_and_year(footprint: pd.DataFrame, tr: Translator) -> pd.DataFrame:
    labelled = with_category_labels(footprint, tr)
    return labelled.groupby(["reporting_year", "module_code", "module_label"], as_index=False)["t_co2e"].sum()


def trends_by_module(footprint: pd.DataFrame, tr: Translator) -> go.Figure:
    """Stacked bars per year, one trace per module."""
    by_year = totals_by_module_and_year(footprint, tr)
    figure = go.Figure()
    for position, (module_label, rows) in enumerate(by_year.groupby("module_label", sort=True)):
        figure.add_trace(
            go.Bar(
                name=module_label,
                x=rows["reporting_year"].astype(str),
                y=rows["t_co2e"],
                marker_color=series_colour(position),
                hovertemplate="%{x}: %{y:,.2f} t CO2e<extra>%{fullData.name}</extra>",
            )
        )
    figure.update_layout(
        barmode="stack",
        xaxis={"title": tr("chart.reporting_year"), "type": "category"},
        yaxis_title="t CO2e",
        legend_title=tr("chart.module"),
    )
    return figure


def trends_summary(footprint: pd.DataFrame, tr: Translator) -> str:
    by_year = footprint.groupby("reporting_year")["t_co2e"].sum().sort_index()
    if by_year.empty:
        return tr("summary.empty")
    parts = [f"{int(year)}: {tr.number(t)} t" for year, t in by_year.items()]
    return tr("summary.totals_by_year", values="; ".join(parts))


def category_bars(totals: pd.DataFrame, tr: Translator) -> go.Figure:
    """Horizontal bars of the `totals_by_category` frame, largest on top."""
    ordered = totals.iloc[::-1]
    figure = go.Figure(
        go.Bar(
            orientation="h",
            x=ordered["t_co2e"],
            y=ordered["category"],
            marker_color=series_colour(0),
            hovertemplate="%{y}: %{x:,.2f} t CO2e<extra></extra>",
        )
    )
    figure.update_layout(
        xaxis_title="t CO2e",
        yaxis={"title": None, "type": "category"},
        height=max(250, 40 * len(ordered) + 120),
    )
    return figure
