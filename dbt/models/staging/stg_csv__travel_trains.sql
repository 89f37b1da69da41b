with source as (
    select * from {{ source('raw', 'travel_trains') }}
),

final as (
    select
        'travel_trains:' || _load_id || ':' || _row_number as activity_row_id,
        _load_id as load_id,
        _row_number as source_row_number,
        reporting_year,
        unit_institutional_id as unit_id,
        origin_station_id as origin_code,
        origin_name,
        origin_country_code,
        destination_station_id as destination_code,
        destination_name,
        destination_country_code,
        {{ person_key('user_institutional_id') }} as person_key,
        departure_date,
        number_of_trips,
        cabin_class,
        kg_co2eq as override_kg_co2e,
        note
    from source
)

select * from final
