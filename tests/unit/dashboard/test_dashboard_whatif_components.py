"""The headline-to-what-if waterfall and its explanation, from rows shaped like WHATIF_MODULE_COMPARISON's."""

import pandas as pd

from dashboard.components.whatif import difference_explained, headline_to_whatif_waterfall
from dashboard.i18n import Translator

TR = Translator("en")


def comparison(whatif_travel_rows: int = 10) -> pd.DataFrame:
    # Travel 100 t -> 135 t with other flight factors, buildings unchanged; the `all` row is dbt's total.
    return pd.DataFrame(
        [
            ("buildings", 50.0, 50.0, 0.0, 4, 4, "Swiss mix", "Swiss mix"),
            (
                "travel",
                100.0,
                135.0,
                35.0,
                10,
                whatif_travel_rows,
                "GES 1point5 flights",
                "Reference flights",
            ),
            ("all", 150.0, 185.0, 35.0, 14, 4 + whatif_travel_rows, None, None),
        ],
        columns=[
            "module_code",
            "headline_t_co2e",
            "whatif_t_co2e",
            "difference_t_co2e",
            "headline_activity_row_count",
            "whatif_activity_row_count",
            "headline_factor_set_names",
            "whatif_factor_set_names",
        ],
    )


def test_the_waterfall_runs_from_the_headline_total_through_each_modules_difference_to_the_whatif_total():
    (waterfall,) = headline_to_whatif_waterfall(comparison(), "Reference calculator", TR).data

    assert list(waterfall.x) == [
        "Headline",
        TR.module("buildings"),
        TR.module("travel"),
        "Reference calculator",
    ]
    assert list(waterfall.y) == [150.0, 0.0, 35.0, 185.0]
    assert list(waterfall.measure) == ["absolute", "relative", "relative", "absolute"]


def test_with_the_same_rows_the_difference_is_put_on_the_factors_of_the_modules_that_changed():
    sentences = difference_explained(comparison(), TR)

    assert sentences[0] == TR("whatif.same_rows", rows="14")
    # Buildings kept its sets and its total: no sentence.
    assert sentences[1:] == [
        TR(
            "whatif.module_change",
            module=TR.module("travel"),
            headline_sets="GES 1point5 flights",
            whatif_sets="Reference flights",
            difference="35.00",
            share="35.0%",
        )
    ]


def test_different_activity_rows_are_said_to_change_the_totals_too():
    sentences = difference_explained(comparison(whatif_travel_rows=8), TR)

    assert sentences[0] == TR("whatif.different_rows", headline_rows="14", whatif_rows="12")
