{#- Every travel emission leg in the emission-row shape of METHODOLOGY.md §1.3: computed flights, computed
    trains, computed road journeys (submodule car, leg = vehicle type) and overrides. Travel is scope 3, category 6 (business travel), and no leg is an additional
    category. Unresolved rows are not here: they are in int_travel__rows_unresolved. -#}
with flights as (
    select * from {{ ref('int_travel__flight_factors_matched') }}
    where status_code = 'MATCHED'
),

trains as (
    select * from {{ ref('int_travel__train_factors_matched') }}
    where status_code = 'MATCHED'
),

cars as (
    select * from {{ ref('int_travel__car_factors_matched') }}
    where status_code = 'MATCHED'
),

overrides as (
    select * from {{ ref('int_travel__overrides_collected') }}
),

flight_legs as (
    select
        activity_row_id,
        load_id,
        reporting_year,
        unit_id,
        'plane' as submodule_code,
        'flight' as leg_code,
        origin_code,
        destination_code,
        cabin_class,
        number_of_trips,
        distance_km,
        activity_quantity,
        factor_id,
        factor_set_id,
        factor_set_version,
        factor_value,
        rf_multiplier,
        class_weight,
        kg_co2e,
        uncertainty_rel,
        sigma_kg,
        false as is_override,
        flags
    from flights
),

train_legs as (
    select
        activity_row_id,
        load_id,
        reporting_year,
        unit_id,
        'train' as submodule_code,
        'rail' as leg_code,
        origin_code,
        destination_code,
        cabin_class,
        number_of_trips,
        distance_km,
        activity_quantity,
        factor_id,
        factor_set_id,
        factor_set_version,
        factor_value,
        rf_multiplier,
        class_weight,
        kg_co2e,
        uncertainty_rel,
        sigma_kg,
        false as is_override,
        flags
    from trains
),

car_legs as (
    select
        activity_row_id,
        load_id,
        reporting_year,
        unit_id,
        'car' as submodule_code,
        vehicle_type as leg_code,
        null::text as origin_code,
        null::text as destination_code,
        null::text as cabin_class,
        number_of_trips,
        distance_km,
        activity_quantity,
        factor_id,
        factor_set_id,
        factor_set_version,
        factor_value,
        null::numeric as rf_multiplier,
        null::numeric as class_weight,
        kg_co2e,
        uncertainty_rel,
        sigma_kg,
        false as is_override,
        array[]::text[] as flags
    from cars
),

final as (
    {{ module_legs(
        ["flight_legs", "train_legs", "car_legs", "overrides"],
        constants={
            "module_code": "'travel'",
            "ghg_scope": "3",
            "ghg_category_code": "6",
            "activity_unit": "'pkm'",
            "factor_unit": "'kg_co2e_per_pkm'",
        },
        extra=[
            "cabin_class", "distance_km", "number_of_trips", "rf_multiplier", "class_weight", "origin_code",
            "destination_code",
        ],
        absent=["leg_parameters"],
    ) }}
)

select * from final
where {{ partition_filter() }}
