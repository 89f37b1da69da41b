"""Published inventories on the dashboard: the report of an archived inventory, and the change between two.

Pure functions of the frames the inventory loaders return (dashboard/data/loaders.py), which have the shapes of the
live loaders': the archived report is made by the same code as the live one (dashboard/report_pdf.py,
report_xlsx.py), dated by its publication, so printing it again gives the same bytes.
"""

import pandas as pd
import plotly.graph_objects as go

from dashboard.components.headline import headline_for_year
from dashboard.components.whatif import TOTAL_MODULE, module_label
from dashboard.data.loaders import Inventory
from dashboard.i18n import Translator
from dashboard.palette import BLUE, BLUISH_GREEN, VERMILLION
from dashboard.report_pdf import UnitReport

EFFECTS = ("activity_effect_t_co2e", "factor_effect_t_co2e", "coverage_effect_t_co2e")


def inventory_label(inventory: Inventory, tr: Translator) -> str:
    return tr(
        "inventories.label",
        inventory_id=inventory.inventory_id,
        date=inventory.published_at.strftime("%Y-%m-%d"),
        profile=tr(f"profile.{inventory.calc_profile}"),
        note=inventory.note,
    )


def publication_line(inventory: Inventory, tr: Translator) -> str:
    """The report's line saying which published inventory it prints."""
    return tr(
        "inventories.publication",
        inventory_id=inventory.inventory_id,
        published_at=inventory.published_at.strftime("%Y-%m-%d %H:%M:%S UTC"),
        profile=tr(f"profile.{inventory.calc_profile}"),
        note=inventory.note,
    )


def inventory_unit_label(unit: pd.DataFrame) -> str:
    """The unit as the inventory's tree named it (`inventory_unit`): code · name, as the sidebar writes it."""
    row = unit.iloc[0]
    return f"{row['unit_code']} · {row['unit_name']}"


def inventory_report(
    inventory: Inventory,
    unit_label: str,
    footprint: pd.DataFrame,
    totals: pd.DataFrame,
    headcount: pd.DataFrame,
    factor_sets: pd.DataFrame,
    tr: Translator,
) -> UnitReport:
    """The unit's report as the inventory froze it, dated by its publication."""
    year = inventory.reporting_year
    return UnitReport(
        unit_label=unit_label,
        reporting_year=year,
        build_id=inventory.dbt_invocation_id,
        headline=headline_for_year(footprint, totals, headcount, year),
        breakdown=footprint[footprint["reporting_year"] == year],
        factor_sets=factor_sets,
        generated_at=inventory.published_at.to_pydatetime(),
        publication=publication_line(inventory, tr),
    )


def change_for_display(change: pd.DataFrame, tr: Translator) -> pd.DataFrame:
    """The decomposition's exact numbers as floats, with the module's name first; the CSV keeps every column."""
    numbers = [column for column in change.columns if column.endswith("_t_co2e")]
    shown = change.assign(**{column: change[column].astype(float) for column in numbers})
    modules = [module_label(code, tr) for code in change["module_code"]]
    return shown.assign(module=modules)[["module", "module_code", *numbers]]


def change_waterfall(change: pd.DataFrame, from_label: str, to_label: str, tr: Translator) -> go.Figure:
    """From one inventory's total to the other's through the three effects; both ends are totals, not steps."""
    total = change[change["module_code"] == TOTAL_MODULE].iloc[0]
    labels = [
        from_label,
        *(tr(f"inventories.{effect.removesuffix('_t_co2e')}") for effect in EFFECTS),
        to_label,
    ]
    values = [
        float(total["from_t_co2e"]),
        *(float(total[effect]) for effect in EFFECTS),
        float(total["to_t_co2e"]),
    ]
    figure = go.Figure(
        go.Waterfall(
            x=labels,
            y=values,
            measure=["absolute", "relative", "relative", "relative", "absolute"],
            increasing={"marker": {"color": VERMILLION}},
            decreasing={"marker": {"color": BLUISH_GREEN}},
            totals={"marker": {"color": BLUE}},
            connector={"line": {"dash": "dot"}},
            hovertemplate="%{x}: %{y:,.3f} t CO2e<extra></extra>",
        )
    )
    figure.update_layout(yaxis_title="t CO2e", showlegend=False)
    return figure


def change_summary(change: pd.DataFrame, tr: Translator) -> str:
    total = change[change["module_code"] == TOTAL_MODULE].iloc[0]
    return tr(
        "inventories.change_summary",
        difference=tr.number(float(total["difference_t_co2e"]), 3),
        activity=tr.number(float(total["activity_effect_t_co2e"]), 3),
        factor=tr.number(float(total["factor_effect_t_co2e"]), 3),
        coverage=tr.number(float(total["coverage_effect_t_co2e"]), 3),
    )
