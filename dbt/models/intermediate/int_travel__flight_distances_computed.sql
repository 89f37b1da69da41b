{#- Distance of one trip: great circle between the airports, then the bound set's distance basis
    (METHODOLOGY.md §4.4): `gc`, `gc_plus_<k>` (k km added, 95 for BEGES / EN 16258) or `gc_times_<k>`.
    Computed for override rows too, so that their distance shows in travel breakdowns. -#}
with planes as (
    select * from {{ ref('stg_csv__travel_planes') }}
),

airports as (
    select * from {{ ref('stg_reference__airports') }}
),

flight_sets as (
    select * from {{ ref('int_factors__sets_bound') }}
    where factor_family = 'flights'
),

great_circles as (
    select
        planes.activity_row_id,
        planes.load_id,
        planes.reporting_year,
        planes.unit_id,
        planes.origin_code,
        planes.destination_code,
        planes.cabin_class,
        planes.number_of_trips,
        planes.override_kg_co2e,
        flight_sets.distance_basis,
        {{ great_circle_km(
            'origins.latitude_deg', 'origins.longitude_deg',
            'destinations.latitude_deg', 'destinations.longitude_deg'
        ) }} as gc_km
    from planes
    left join airports as origins
        on planes.origin_code = origins.airport_code
    left join airports as destinations
        on planes.destination_code = destinations.airport_code
    left join flight_sets
        on planes.reporting_year = flight_sets.reporting_year
),

final as (
    select
        activity_row_id,
        load_id,
        reporting_year,
        unit_id,
        origin_code,
        destination_code,
        cabin_class,
        number_of_trips,
        override_kg_co2e,
        distance_basis,
        gc_km,
        case
            when distance_basis = 'gc' then gc_km
            when distance_basis like 'gc\_plus\_%' then gc_km + split_part(distance_basis, '_', 3)::numeric
            when distance_basis like 'gc\_times\_%' then gc_km * split_part(distance_basis, '_', 3)::numeric
        end as distance_km
    from great_circles
)

select * from final
where {{ partition_filter() }}
