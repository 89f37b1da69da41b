{#- Rows that carry their own kg_co2eq (METHODOLOGY.md §1.4): the value is used verbatim, nothing is computed.
    The leg is `override`, the factor and set ids are `override`, the set version is the load that brought
    the value, and the uncertainty is unknown. -#}
with flights as (
    select * from {{ ref('int_travel__flight_distances_computed') }}
    where override_kg_co2e is not null
),

trains as (
    select * from {{ ref('int_travel__train_distances_computed') }}
    where override_kg_co2e is not null
),

cars as (
    select * from {{ ref('stg_csv__travel_cars') }}
    where override_kg_co2e is not null
),

overrides as (
    select
        'plane' as submodule_code,
        activity_row_id,
        load_id,
        reporting_year,
        unit_id,
        origin_code,
        destination_code,
        cabin_class,
        number_of_trips,
        distance_km,
        override_kg_co2e
    from flights
    union all
    select
        'train' as submodule_code,
        activity_row_id,
        load_id,
        reporting_year,
        unit_id,
        origin_code,
        destination_code,
        cabin_class,
        number_of_trips,
        distance_km,
        override_kg_co2e
    from trains
    union all
    select
        'car' as submodule_code,
        activity_row_id,
        load_id,
        reporting_year,
        unit_id,
        null::text as origin_code,
        null::text as destination_code,
        null::text as cabin_class,
        number_of_trips,
        distance_km,
        override_kg_co2e
    from cars
),

final as (
    select
        activity_row_id,
        load_id,
        reporting_year,
        unit_id,
        submodule_code,
        'override' as leg_code,
        origin_code,
        destination_code,
        cabin_class,
        number_of_trips,
        distance_km,
        distance_km * number_of_trips as activity_quantity,
        'override' as factor_id,
        'override' as factor_set_id,
        load_id::text as factor_set_version,
        null::numeric as factor_value,
        null::numeric as rf_multiplier,
        null::numeric as class_weight,
        override_kg_co2e as kg_co2e,
        null::numeric as uncertainty_rel,
        null::numeric as sigma_kg,
        true as is_override,
        array[]::text[] as flags
    from overrides
)

select * from final
