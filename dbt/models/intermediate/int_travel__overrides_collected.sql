{#- Rows that carry their own kg_co2eq (METHODOLOGY.md §1.4): the value is used verbatim, nothing is computed
    (the macro override_leg: leg, factor and set ids `override`, set version the load that brought the value,
    unknown uncertainty). Ingest accepts such a row whose airport or station is not in the reference: the leg is
    flagged TRAVEL_UNKNOWN_IATA or TRAVEL_UNKNOWN_STATION (no great circle), as a room override is
    BLDG_UNKNOWN_ROOM. -#}
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
        override_kg_co2e,
        case when gc_km is null then array['TRAVEL_UNKNOWN_IATA'] else array[]::text[] end as flags
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
        override_kg_co2e,
        case when gc_km is null then array['TRAVEL_UNKNOWN_STATION'] else array[]::text[] end as flags
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
        override_kg_co2e,
        array[]::text[] as flags
    from cars
),

final as (
    select
        activity_row_id,
        load_id,
        reporting_year,
        unit_id,
        submodule_code,
        origin_code,
        destination_code,
        cabin_class,
        number_of_trips,
        distance_km,
        distance_km * number_of_trips as activity_quantity,
        null::numeric as rf_multiplier,
        null::numeric as class_weight,
        {{ override_leg(flags="flags") }}
    from overrides
)

select * from final
where {{ partition_filter() }}
