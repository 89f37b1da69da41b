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

legs as (
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
    union all
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
    union all
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
    union all
    select
        activity_row_id,
        load_id,
        reporting_year,
        unit_id,
        submodule_code,
        leg_code,
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
        is_override,
        flags
    from overrides
),

final as (
    select
        activity_row_id,
        load_id,
        unit_id,
        reporting_year,
        'travel' as module_code,
        submodule_code,
        leg_code,
        3 as ghg_scope,
        6 as ghg_category_code,
        cabin_class,
        activity_quantity,
        'pkm' as activity_unit,
        distance_km,
        number_of_trips,
        factor_id,
        factor_set_id,
        factor_set_version,
        factor_value,
        'kg_co2e_per_pkm' as factor_unit,
        rf_multiplier,
        class_weight,
        kg_co2e,
        uncertainty_rel,
        sigma_kg,
        is_override,
        false as is_additional_category,
        flags,
        origin_code,
        destination_code
    from legs
)

select * from final
