{#- Distance of one train trip: great circle between the stations times the track detour (var
    `rail_detour_factor`, 1.2, METHODOLOGY.md §3.2 (b)). Computed for override rows too. -#}
with trains as (
    select * from {{ ref('stg_csv__travel_trains') }}
),

stations as (
    select * from {{ ref('stg_reference__train_stations') }}
),

great_circles as (
    select
        trains.activity_row_id,
        trains.load_id,
        trains.reporting_year,
        trains.unit_id,
        trains.origin_code,
        trains.origin_country_code,
        trains.destination_code,
        trains.destination_country_code,
        trains.cabin_class,
        trains.number_of_trips,
        trains.override_kg_co2e,
        {{ great_circle_km(
            'origins.latitude_deg', 'origins.longitude_deg',
            'destinations.latitude_deg', 'destinations.longitude_deg'
        ) }} as gc_km
    from trains
    left join stations as origins
        on trains.origin_code = origins.station_id
    left join stations as destinations
        on trains.destination_code = destinations.station_id
),

final as (
    select
        *,
        gc_km * {{ var('rail_detour_factor') }} as distance_km
    from great_circles
)

select * from final
where {{ partition_filter() }}
