"""Operations, for data stewards and admins: the published build the numbers come from, whether the latest build
failed (and why) or is running, and what each year holds.

The builds come from `ops.builds`, read as the steward role (dashboard/README.md "Stewards read ops")."""

import pandas as pd
import streamlit as st

from dashboard.data import loaders
from dashboard.selection import current_selection
from dashboard.tables import show_table

RECENT_BUILD_LIMIT = 20


def utc(timestamp: pd.Timestamp | None) -> str:
    return (
        "—" if timestamp is None or pd.isna(timestamp) else f"{timestamp.tz_convert('UTC'):%Y-%m-%d %H:%M:%S}"
    )


selection = current_selection()
tr = selection.tr
footprint = loaders.footprint_by_year(selection.warehouse, selection.allowed_unit_ids, selection.unit_id)
unresolved = loaders.unresolved_by_status(selection.warehouse, selection.allowed_unit_ids, selection.unit_id)
units = loaders.units_in_scope(selection.warehouse, selection.allowed_unit_ids)
builds = loaders.recent_builds(
    loaders.connect_load_ledger(selection.warehouse, selection.viewer), RECENT_BUILD_LIMIT
)
published = builds[builds["dbt_invocation_id"] == selection.warehouse.build_id].head(1)

st.title(tr("operations.title"))
st.caption(selection.unit_label)

if builds.empty:
    st.info(tr("operations.no_build"))
else:
    latest = builds.iloc[0]
    if latest["build_status"] == "failed":
        st.error(
            tr(
                "operations.build_failed",
                build_id=int(latest["build_id"]),
                started_at=utc(latest["started_at"]),
                message=latest["failure_message"],
            )
        )
    elif latest["build_status"] == "running":
        st.info(
            tr(
                "operations.build_running",
                build_id=int(latest["build_id"]),
                started_at=utc(latest["started_at"]),
            )
        )
    if latest["build_status"] != "succeeded" and not published.empty:
        st.caption(
            tr(
                "operations.still_published",
                published_id=selection.warehouse.build_id[:8],
                published_at=utc(published["published_at"].iloc[0]),
            )
        )

build_column, profile_column, units_column, years_column = st.columns(4)
build_column.metric(
    tr("operations.build"), selection.warehouse.build_id[:8], help=selection.warehouse.build_id
)
profile_column.metric(
    tr("operations.profile"), "—" if published.empty else str(published["calc_profile"].iloc[0])
)
units_column.metric(tr("operations.units"), tr.number(len(units), 0))
years_column.metric(tr("operations.years"), tr.number(footprint["reporting_year"].nunique(), 0))
started_column, finished_column, duration_column = st.columns(3)
started_column.metric(
    tr("operations.build_started"), "—" if published.empty else utc(published["started_at"].iloc[0])
)
finished_column.metric(
    tr("operations.build_finished"), "—" if published.empty else utc(published["finished_at"].iloc[0])
)
duration_column.metric(
    tr("operations.build_duration"),
    "—"
    if published.empty or pd.isna(published["duration_s"].iloc[0])
    else f"{tr.number(float(published['duration_s'].iloc[0]), 0)} s",
)
st.caption(tr("operations.build_help"))

st.subheader(tr("operations.recent_builds"))
# The reason of a failure is in the box above (the latest build's): a text column with gaps would not survive the
# CSV, whose empty cells read back as missing values rather than as the table's.
show_table(
    builds[
        [
            "build_id",
            "build_kind",
            "build_status",
            "started_at",
            "finished_at",
            "duration_s",
            "published_at",
        ]
    ],
    key="operations_recent_builds",
    file_name="co2calc_builds",
    column_config={},
    tr=tr,
)

st.subheader(tr("operations.rows_by_year"))
with_emission = footprint.groupby(["reporting_year", "module_code"], as_index=False)[
    "activity_row_count"
].sum()
without_emission = unresolved.groupby(["reporting_year", "module_code"], as_index=False)["row_count"].sum()
rows_by_year = (
    with_emission.merge(without_emission, on=["reporting_year", "module_code"], how="outer")
    .fillna(0)
    .astype({"activity_row_count": "int64", "row_count": "int64"})
    .rename(columns={"activity_row_count": "rows_with_emission", "row_count": "rows_without_emission"})
    .sort_values(["reporting_year", "module_code"], ascending=[False, True], ignore_index=True)
)
show_table(
    rows_by_year,
    key="operations_rows_by_year",
    file_name=f"co2calc_rows_by_year_{selection.unit_id}",
    column_config={
        "reporting_year": st.column_config.NumberColumn(tr("chart.reporting_year"), format="%d"),
        "module_code": tr("column.module_code"),
        "rows_with_emission": tr("quality.rows_with_emission"),
        "rows_without_emission": tr("quality.rows_without_emission"),
    },
    tr=tr,
)
