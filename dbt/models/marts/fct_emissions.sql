{#- One row per activity row x factor leg (METHODOLOGY.md §1.3), every module in the same columns. Every
    number of the dashboard is a sum over these rows; each names its activity row (load and line), factor and
    factor-set version. Columns that belong to one module (cabin_class, distance_km, origin_code... for
    travel) are NULL on the others; leg_parameters holds the other constants a leg applied (§1.3
    `parameters`). The column list is the macro emission_leg_columns. -#}
{% set travel_only = ["cabin_class", "distance_km", "number_of_trips", "rf_multiplier", "class_weight",
    "origin_code", "destination_code"] %}

with travel_legs as (
    select * from {{ ref('int_travel__legs_unioned') }}
),

equipment_legs as (
    select * from {{ ref('int_equipment__legs_unioned') }}
),

process_legs as (
    select * from {{ ref('int_process__legs_unioned') }}
),

additional_legs as (
    select * from {{ ref('int_additional__legs_unioned') }}
),

legs as (
    select {{ emission_leg_columns(absent=["leg_parameters"]) }}
    from travel_legs
    union all
    select {{ emission_leg_columns(absent=travel_only) }}
    from equipment_legs
    union all
    select {{ emission_leg_columns(absent=travel_only) }}
    from process_legs
    union all
    select {{ emission_leg_columns(absent=travel_only) }}
    from additional_legs
),

final as (
    select
        md5(activity_row_id || leg_code || factor_set_id) as emission_id,
        *
    from legs
)

select * from final
