{#- One row per activity row x factor leg (METHODOLOGY.md §1.3), every module in the same columns. Every
    number of the dashboard is a sum over these rows; each names its activity row (load and line), factor and
    factor-set version. Columns that belong to one module (cabin_class, distance_km, origin_code... for
    travel) are NULL on the others; leg_parameters holds the other constants a leg applied (§1.3
    `parameters`). The column list is the macro emission_leg_columns; a module joins the union by adding its
    legs model to emission_modules (macros/partitions.sql) with the columns it does not have. Partitioned
    by year and module: a partition rebuild reads the legs of the rebuilt modules only. -#}
{{ config(
    materialized="incremental",
    incremental_strategy="append",
    on_schema_change="fail",
    pre_hook="{{ delete_changed_partitions(module_column='module_code') }}",
    indexes=[{"columns": ["reporting_year", "module_code"]}],
) }}

with legs as (
    {%- set unioned = [] -%}
    {%- set rebuilds = rebuilds_partitions() -%}
    {%- for module in emission_modules() if not rebuilds or module_is_rebuilt(module) -%}
        {%- for model, absent, present in module.legs -%}
            {%- do unioned.append((model, absent, present)) -%}
        {%- endfor -%}
    {%- endfor -%}
    {#- A rebuild of no module still needs a valid union: every legs model, none of whose rows passes the
        filter below. -#}
    {%- if not unioned -%}
        {%- for module in emission_modules() -%}{%- do unioned.extend(module.legs) -%}{%- endfor -%}
    {%- endif %}
    {% for model, absent, present in unioned %}
        select {{ emission_leg_columns(absent=absent, present=present) }}
        from {{ ref(model) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        md5(activity_row_id || leg_code || factor_set_id) as emission_id,
        *
    from legs
)

select * from final
where {{ partition_filter(module_column='module_code') }}
