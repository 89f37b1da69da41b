"""Methodology: how the numbers are made, the factor sets behind the chosen year with their licences, and the
headline beside a what-if built with another calculation profile (`co2calc whatif`), per module."""

import pandas as pd
import streamlit as st

from config.institution import get_institution_profile
from dashboard.charts import show_chart
from dashboard.components.headline import CAR_KG_CO2E_PER_KM
from dashboard.components.whatif import (
    difference_explained,
    headline_to_whatif_waterfall,
    module_label,
    waterfall_summary,
)
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

st.subheader(tr("whatif.title", year=year))
whatifs = loaders.built_whatifs(selection.warehouse)
if not whatifs:
    st.info(tr("whatif.none_built", command="co2calc whatif refcalc_compat"))
else:
    whatif = st.selectbox(
        tr("whatif.choose"),
        whatifs,
        format_func=lambda built: tr(f"profile.{built.profile_code}"),
        key="methodology_whatif_profile",
    )
    profile_label = tr(f"profile.{whatif.profile_code}")
    st.caption(
        tr(
            "whatif.built",
            profile=profile_label,
            years=str(whatif.reporting_year)
            if whatif.reporting_year is not None
            else tr("whatif.every_year"),
            built_at=whatif.finished_at.strftime("%Y-%m-%d %H:%M UTC"),
            seconds=tr.number(whatif.build_seconds, 0),
            rows=tr.number(whatif.emission_row_count, 0),
        )
    )
    if whatif.reporting_year is not None and whatif.reporting_year != year:
        st.info(tr("whatif.other_year", profile=profile_label, built_year=whatif.reporting_year, year=year))
    else:
        comparison = loaders.whatif_module_comparison(
            whatif, selection.allowed_unit_ids, selection.unit_id, year
        )
        if comparison.empty:
            st.info(tr("whatif.no_rows", unit=selection.unit_label, year=year))
        else:
            show_chart(
                headline_to_whatif_waterfall(comparison, profile_label, tr),
                key="methodology_whatif_waterfall",
                summary=waterfall_summary(comparison, profile_label, tr),
                tr=tr,
            )
            for sentence in difference_explained(comparison, tr):
                st.markdown(f"- {sentence}")
            show_table(
                comparison.assign(module=[module_label(code, tr) for code in comparison["module_code"]])[
                    [
                        "module",
                        "headline_t_co2e",
                        "whatif_t_co2e",
                        "difference_t_co2e",
                        "headline_activity_row_count",
                        "whatif_activity_row_count",
                        "headline_factor_set_names",
                        "whatif_factor_set_names",
                    ]
                ],
                key="methodology_whatif_comparison",
                file_name=f"co2calc_whatif_{whatif.profile_code}_{year}",
                column_config={
                    "module": tr("column.module"),
                    "headline_t_co2e": st.column_config.NumberColumn(
                        tr("column.headline_t_co2e"), format="%.2f"
                    ),
                    "whatif_t_co2e": st.column_config.NumberColumn(
                        tr("column.whatif_t_co2e", profile=profile_label), format="%.2f"
                    ),
                    "difference_t_co2e": st.column_config.NumberColumn(
                        tr("column.difference_t_co2e"), format="%+.2f"
                    ),
                    "headline_activity_row_count": st.column_config.NumberColumn(
                        tr("column.headline_activity_rows"), format="%d"
                    ),
                    "whatif_activity_row_count": st.column_config.NumberColumn(
                        tr("column.whatif_activity_rows"), format="%d"
                    ),
                    "headline_factor_set_names": tr("column.headline_factor_sets"),
                    "whatif_factor_set_names": tr("column.whatif_factor_sets"),
                },
                tr=tr,
            )
