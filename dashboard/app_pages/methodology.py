"""Methodology: how the numbers are made, and the factor sets behind the chosen year with their licences."""

import pandas as pd
import streamlit as st

from config.institution import get_institution_profile
from dashboard.components.headline import CAR_KG_CO2E_PER_KM
from dashboard.data import loaders
from dashboard.selection import current_selection
from dashboard.tables import show_table

selection = current_selection()
tr = selection.tr
year = selection.reporting_year

st.title(tr("methodology.title"))
st.markdown(
    tr(
        "methodology.text",
        kg_per_km=tr.number(CAR_KG_CO2E_PER_KM, 4),
    )
)

st.subheader(tr("methodology.factor_sets", year=year))
factor_sets = loaders.factor_sets_in_use(selection.warehouse, year)
factor_sets = factor_sets.assign(
    category=[
        tr.category(module, submodule)
        for module, submodule in zip(factor_sets["module_code"], factor_sets["submodule_code"], strict=True)
    ]
)
show_table(
    factor_sets[
        [
            "category",
            "module_code",
            "submodule_code",
            "publisher",
            "factor_set_name",
            "version",
            "publication_year",
            "licence",
            "citation",
        ]
    ],
    key="methodology_factor_sets",
    file_name=f"co2calc_factor_sets_{year}",
    column_config={
        "category": tr("column.category"),
        "module_code": tr("column.module_code"),
        "submodule_code": tr("column.submodule_code"),
        "publisher": tr("column.publisher"),
        "factor_set_name": tr("column.factor_set"),
        "version": tr("column.version"),
        "publication_year": st.column_config.NumberColumn(tr("column.published"), format="%d"),
        "licence": tr("column.licence"),
        "citation": tr("column.citation"),
    },
    tr=tr,
)

st.subheader(tr("methodology.per_person_lines"))
st.caption(tr("methodology.per_person_lines_help"))
per_person_lines = pd.DataFrame(
    [
        {
            "line": tr(f"per_person.{line.key}"),
            "t_co2e_per_person_yr": line.t_co2e_per_person_yr,
            "source": line.source,
            "year": line.year,
            "licence": line.licence,
        }
        for line in get_institution_profile().per_person_lines
    ]
)
show_table(
    per_person_lines,
    key="methodology_per_person_lines",
    file_name="co2calc_per_person_lines",
    column_config={
        "line": tr("column.line"),
        "t_co2e_per_person_yr": st.column_config.NumberColumn(
            tr("column.t_co2e_per_person_yr"), format="%.1f"
        ),
        "source": tr("column.source"),
        "year": st.column_config.NumberColumn(tr("column.year"), format="%d"),
        "licence": tr("column.licence"),
    },
    tr=tr,
)
