"""The methodology page's comparison of the headline with a what-if, pure functions of the rows of
`queries.WHATIF_MODULE_COMPARISON` (one per module and the `all` row, both totals computed by dbt)."""

import pandas as pd
import plotly.graph_objects as go

from dashboard.i18n import Translator
from dashboard.palette import BLUE, BLUISH_GREEN, VERMILLION

TOTAL_MODULE = "all"


def module_label(module_code: str, tr: Translator) -> str:
    return tr("whatif.total") if module_code == TOTAL_MODULE else tr.module(module_code)


def module_rows(comparison: pd.DataFrame) -> pd.DataFrame:
    return comparison[comparison["module_code"] != TOTAL_MODULE]


def total_row(comparison: pd.DataFrame) -> pd.Series:
    return comparison[comparison["module_code"] == TOTAL_MODULE].iloc[0]


def headline_to_whatif_waterfall(comparison: pd.DataFrame, profile_label: str, tr: Translator) -> go.Figure:
    """The headline total, one step per module's difference, the what-if total: both ends are dbt's `all` rows,
    not a sum of the steps."""
    modules, total = module_rows(comparison), total_row(comparison)
    labels = [tr("whatif.headline"), *(tr.module(code) for code in modules["module_code"]), profile_label]
    values = [total["headline_t_co2e"], *modules["difference_t_co2e"], total["whatif_t_co2e"]]
    figure = go.Figure(
        go.Waterfall(
            x=labels,
            y=values,
            measure=["absolute", *["relative"] * len(modules), "absolute"],
            increasing={"marker": {"color": VERMILLION}},
            decreasing={"marker": {"color": BLUISH_GREEN}},
            totals={"marker": {"color": BLUE}},
            connector={"line": {"dash": "dot"}},
            hovertemplate="%{x}: %{y:,.2f} t CO2e<extra></extra>",
        )
    )
    figure.update_layout(yaxis_title="t CO2e", showlegend=False)
    return figure


def waterfall_summary(comparison: pd.DataFrame, profile_label: str, tr: Translator) -> str:
    modules, total = module_rows(comparison), total_row(comparison)
    largest = modules.loc[modules["difference_t_co2e"].abs().idxmax()] if not modules.empty else None
    return tr(
        "whatif.summary",
        headline=tr.number(total["headline_t_co2e"]),
        profile=profile_label,
        whatif=tr.number(total["whatif_t_co2e"]),
        difference=tr.number(total["difference_t_co2e"]),
        module=tr.module(largest["module_code"]) if largest is not None else "",
        module_difference=tr.number(largest["difference_t_co2e"]) if largest is not None else "",
    )


def difference_explained(comparison: pd.DataFrame, tr: Translator) -> list[str]:
    """One sentence on the activity rows, one per module whose factor sets or total changed."""
    modules, total = module_rows(comparison), total_row(comparison)
    same_rows = (modules["headline_activity_row_count"] == modules["whatif_activity_row_count"]).all()
    sentences = [
        tr("whatif.same_rows", rows=tr.number(total["headline_activity_row_count"], 0))
        if same_rows
        else tr(
            "whatif.different_rows",
            headline_rows=tr.number(total["headline_activity_row_count"], 0),
            whatif_rows=tr.number(total["whatif_activity_row_count"], 0),
        )
    ]
    for module in modules.itertuples():
        if (
            module.headline_factor_set_names == module.whatif_factor_set_names
            and not module.difference_t_co2e
        ):
            continue
        sentences.append(
            tr(
                "whatif.module_change",
                module=tr.module(module.module_code),
                headline_sets=module.headline_factor_set_names or "–",
                whatif_sets=module.whatif_factor_set_names or "–",
                difference=tr.number(module.difference_t_co2e),
                share=tr.percent(module.difference_t_co2e / module.headline_t_co2e)
                if module.headline_t_co2e
                else "–",
            )
        )
    return sentences
