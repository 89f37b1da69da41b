with source as (
    select * from {{ source('raw', 'travel_cars') }}
),

final as (
    select
        'travel_cars:' || _load_id || ':' || _row_number as activity_row_id,
        _load_id as load_id,
        _row_number as source_row_number,
        reporting_year,
        unit_institutional_id as unit_id,
        {{ person_key('user_institutional_id') }} as person_key,
        departure_date,
        distance_km,
        vehicle_type,
        number_of_trips,
        kg_co2eq as override_kg_co2e,
        note
    from source
)

select * from final
