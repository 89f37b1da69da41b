"""Methodology: how the numbers are made, and the factor sets behind the chosen year with their licences."""

import streamlit as st

from dashboard.components.headline import CAR_KG_CO2E_PER_KM, PERSON_REFERENCE_T_CO2E
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
        reference=tr.number(PERSON_REFERENCE_T_CO2E, 0),
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
