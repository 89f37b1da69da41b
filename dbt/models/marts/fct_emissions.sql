{#- One row per activity row x factor leg (METHODOLOGY.md §1.3), every module in the same columns. Every
    number of the dashboard is a sum over these rows; each names its activity row (load and line), factor and
    factor-set version. Columns that belong to one module (cabin_class, distance_km, origin_code... for
    travel) are NULL on the others; leg_parameters holds the other constants a leg applied (§1.3
    `parameters`). The column list is the macro emission_leg_columns; a module joins the union by adding its
    legs model to `module_legs` with the columns it does not have. -#}
{% set travel_only = ["cabin_class", "distance_km", "number_of_trips", "rf_multiplier", "class_weight",
    "origin_code", "destination_code"] %}
{% set facility_only = ["is_internal_reallocation", "facility_unit_id"] %}
{#- Legs frozen before their travel detail was purged (ingest/retention.py): one row per group of legs, with
    the group's sums and its activity-row count, no load and no route. -#}
{% set frozen_only = ["is_internal_reallocation", "facility_unit_id", "frozen_activity_row_count"] %}
{#- (legs model, columns it does not have, columns of few modules it does have) -#}
{% set module_legs = [
    ("int_travel__legs_unioned", ["leg_parameters"], []),
    ("int_equipment__legs_unioned", travel_only, []),
    ("int_process__legs_unioned", travel_only, []),
    ("int_buildings__legs_unioned", travel_only, []),
    ("int_cloud_ai__legs_unioned", travel_only, []),
    ("int_purchases__legs_unioned", travel_only, []),
    ("int_facilities__legs_unioned", travel_only, facility_only),
    ("int_additional__legs_unioned", travel_only, []),
    ("int_additional__construction_legs", travel_only, []),
    ("int_archive__legs_restored", ["load_id", "origin_code", "destination_code", "leg_parameters"], frozen_only),
] %}

with legs as (
    {% for model, absent, present in module_legs %}
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
