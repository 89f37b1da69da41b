"""Quarantine, for data stewards and admins: the rows ingest refused, and the file to send back corrected.

Reads the load ledger in `ops` as the steward role (dashboard/README.md "Stewards read ops"); the sidebar's
unit and year do not apply, a load's rows are shown whole. Only open rows: a correction
(`co2calc ingest FILE --corrects LOAD_ID`) resolves the rows it answers, and a later file replaces them.
"""

from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard.components.quarantine import correction_csv, correction_frame, refused_rows
from dashboard.data import loaders
from dashboard.selection import current_selection
from dashboard.tables import show_table

TABLE_COLUMNS = [
    "load_id",
    "file_name",
    "source_code",
    "row_number",
    "severity",
    "reason_code",
    "column_name",
    "reason_message",
    "original_line",
]

selection = current_selection()
tr = selection.tr
ledger = loaders.connect_load_ledger(selection.warehouse, selection.viewer)
rejects = loaders.open_rejects(ledger)

st.title(tr("quarantine.title"))
st.caption(tr("quarantine.intro"))
show_skipped = st.toggle(
    tr("quarantine.show_skipped"), key="quarantine_show_skipped", help=tr("quarantine.show_skipped_help")
)
if not show_skipped:
    rejects = rejects[rejects["severity"] == "error"]


def _all_or(value: object) -> str:
    return tr("quarantine.all") if value is None else str(value)


source_column, load_column, reason_column = st.columns(3)
source_code = source_column.selectbox(
    tr("quarantine.source"),
    [None, *sorted(rejects["source_code"].unique())],
    format_func=_all_or,
    key="quarantine_source",
)
if source_code is not None:
    rejects = rejects[rejects["source_code"] == source_code]
loads = rejects.drop_duplicates("load_id")
load_labels = {
    row.load_id: tr(
        "quarantine.load_label",
        file_name=row.file_name,
        date=pd.Timestamp(row.started_at).date().isoformat(),
        load_id=row.load_id,
    )
    for row in loads.itertuples()
}
load_id = load_column.selectbox(
    tr("quarantine.load"),
    [None, *load_labels],
    format_func=lambda value: _all_or(None if value is None else load_labels[value]),
    key="quarantine_load",
)
if load_id is not None:
    rejects = rejects[rejects["load_id"] == load_id]
reason_code = reason_column.selectbox(
    tr("quarantine.reason"),
    [None, *sorted(rejects["reason_code"].unique())],
    format_func=_all_or,
    key="quarantine_reason",
)
rows = refused_rows(rejects)
if reason_code is not None:
    # A row refused for several reasons is shown whole when one of them is the chosen one.
    rows = rows[rows["reason_code"].str.split(" | ", regex=False).apply(lambda codes: reason_code in codes)]

rows_column, loads_column = st.columns(2)
rows_column.metric(tr("quarantine.open_rows"), tr.number(int((rows["severity"] == "error").sum()), 0))
loads_column.metric(tr("quarantine.loads_concerned"), tr.number(rows["load_id"].nunique(), 0))
if rows.empty:
    st.info(tr("quarantine.none"))
    st.stop()

show_table(
    rows[TABLE_COLUMNS],
    key="quarantine_rows",
    file_name="co2calc_quarantine",
    column_config={name: tr(f"quarantine.column_{name}") for name in TABLE_COLUMNS},
    tr=tr,
)

refused = rows[rows["severity"] == "error"]
if load_id is None or refused.empty:
    st.info(tr("quarantine.pick_one_load"))
    st.stop()
first = refused.iloc[0]
file_name = f"corrections_load{load_id}_{Path(first.file_name).stem}.csv"
st.download_button(
    tr("quarantine.download_correction"),
    data=correction_csv(correction_frame(refused), first.read_format),
    file_name=file_name,
    mime="text/csv",
    key="quarantine_correction_csv",
    icon=":material/download:",
    on_click="ignore",
)
st.caption(tr("quarantine.correction_help"))
st.code(f"co2calc ingest {file_name} --source {first.source_code} --corrects {load_id}", language="sh")
