{#- Activity rows kept without an emission (status FACTOR_MISSING and friends): reported, never dropped. One
    row per activity row and submodule: a headcount row has one per additional category it could not
    estimate. A module joins by adding its unresolved-rows models to emission_modules (macros/partitions.sql).
    Partitioned by year and module like fct_emissions. -#}
{{ config(
    materialized="incremental",
    incremental_strategy="append",
    on_schema_change="fail",
    pre_hook="{{ delete_changed_partitions(module_column='module_code') }}",
    indexes=[{"columns": ["reporting_year", "module_code"]}],
) }}

with unioned as (
    {%- set unioned = [] -%}
    {%- set rebuilds = rebuilds_partitions() -%}
    {%- for module in emission_modules() if not rebuilds or module_is_rebuilt(module) -%}
        {%- do unioned.extend(module.unresolved) -%}
    {%- endfor -%}
    {#- A rebuild of no module still needs a valid union (see fct_emissions). -#}
    {%- if not unioned -%}
        {%- for module in emission_modules() -%}{%- do unioned.extend(module.unresolved) -%}{%- endfor -%}
    {%- endif %}
    {% for model in unioned %}
        select
            activity_row_id,
            load_id,
            unit_id,
            reporting_year,
            module_code,
            submodule_code,
            status_code
        from {{ ref(model) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select * from unioned
)

select * from final
where {{ partition_filter(module_column='module_code') }}
