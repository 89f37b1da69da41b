{#- Activity rows kept without an emission (status FACTOR_MISSING and friends): reported, never dropped. One
    row per activity row and submodule: a headcount row has one per additional category it could not
    estimate. A module joins by adding its unresolved-rows model to `module_rows`. -#}
{% set module_rows = [
    "int_travel__rows_unresolved",
    "int_equipment__rows_unresolved",
    "int_process__rows_unresolved",
    "int_buildings__rows_unresolved",
    "int_cloud_ai__rows_unresolved",
    "int_purchases__rows_unresolved",
    "int_facilities__rows_unresolved",
    "int_additional__rows_unresolved",
    "int_additional__construction_rows_unresolved",
] %}

with unioned as (
    {% for model in module_rows %}
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
