"""The pages' tables: each one shown with a CSV download of exactly its rows and columns.

The CSV header is the frame's column names, which carry their units (`t_co2e`, `distance_km`, `fte`),
where the page shows short labels; numbers go out unrounded, where the page rounds them for reading.
"""

import re
from collections.abc import Mapping
from functools import partial

import pandas as pd
import streamlit as st

from dashboard.i18n import Translator

# Excel reads a CSV without a byte-order mark as the machine's code page, which garbles the accented
# unit and place names (Zürich, Genève) that decision-makers open the file for.
CSV_ENCODING = "utf-8-sig"


# A cell a spreadsheet would run as a formula (OWASP, "CSV injection"): `=`, `+`, `-`, `@`, a tab or a carriage
# return first. Text from uploaded files (unit names, route names, a refused row's cells) reaches the exports.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A number as written (`-12.5`, `+41`, `-1,5`, `1e-3`) starts with a sign and stays a number.
NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


def neutralised_cell(value: object) -> object:
    """The cell as a spreadsheet shows it but never runs it: a leading apostrophe before a formula's start."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not NUMBER.fullmatch(value):
        return "'" + value
    return value


def without_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every text cell neutralised; numbers, dates and empty cells as they are."""
    text_columns = [name for name in frame.columns if not pd.api.types.is_numeric_dtype(frame[name])]
    return frame.assign(**{name: frame[name].map(neutralised_cell) for name in text_columns})


def table_csv(frame: pd.DataFrame) -> bytes:
    return without_formulas(frame).to_csv(index=False).encode(CSV_ENCODING)


def show_table(
    frame: pd.DataFrame, *, key: str, file_name: str, column_config: Mapping[str, object], tr: Translator
) -> None:
    """`st.dataframe` of `frame` and, under it, the same frame as `<file_name>.csv`.

    The table also serves as the text alternative of the chart above it, where there is one.
    """
    st.dataframe(frame, hide_index=True, column_config=dict(column_config), key=key)
    st.download_button(
        tr("table.download_csv"),
        # Written when the button is clicked, like the overview's PDF: most visits download nothing.
        data=partial(table_csv, frame),
        file_name=f"{file_name}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        icon=":material/download:",
        # Downloading changes nothing on the page: no rerun.
        on_click="ignore",
    )
