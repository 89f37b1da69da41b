{#- One row naming the dbt invocation that built the reporting schema and the calculation profile it used.
    Built after every other reporting model (depends_on below), so it names a build that has written them all,
    and a build that failed on the way leaves the previous row. Being downstream of every reporting model, it
    is part of every partition build. The dashboard reads the copy pipelines/publish.py makes into `published`
    once the whole build passed, and keys its caches on it. A new reporting model joins the list
    (tests/unit/pipelines/test_build_plan.py checks it). -#}
{%- set published = [
    "rpt_additional__subtree_year", "rpt_additional__unit_year", "rpt_benchmarks__school_year",
    "rpt_emission_categories", "rpt_factor_sets__in_use", "rpt_footprint__subtree_category_year",
    "rpt_footprint__subtree_year", "rpt_footprint__unit_year", "rpt_headcount__subtree_year",
    "rpt_headcount__unit_year", "rpt_quality__subtree_year", "rpt_quality__unmatched_rows", "rpt_travel__routes",
    "rpt_travel__subtree_routes_year", "rpt_travel__subtree_year", "rpt_travel__unit_year", "rpt_units",
] %}
{%- for model in published %}
-- depends_on: {{ ref(model) }}
{%- endfor %}

with final as (
    select
        '{{ invocation_id }}'::text as dbt_invocation_id,
        '{{ var("calc_profile") }}'::text as calc_profile
)

select * from final
