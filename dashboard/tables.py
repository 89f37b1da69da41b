"""The pages' tables: each one shown with a CSV download of exactly its rows and columns.

The CSV header is the frame's column names, which carry their units (`t_co2e`, `distance_km`, `fte`),
where the page shows short labels; numbers go out unrounded, where the page rounds them for reading.
"""

from collections.abc import Mapping
from functools import partial

import pandas as pd
import streamlit as st

from dashboard.i18n import Translator

# Excel reads a CSV without a byte-order mark as the machine's code page, which garbles the accented
# unit and place names (Zürich, Genève) that decision-makers open the file for.
CSV_ENCODING = "utf-8-sig"


def table_csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode(CSV_ENCODING)


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
