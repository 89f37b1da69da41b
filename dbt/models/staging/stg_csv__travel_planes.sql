with source as (
    select * from {{ source('raw', 'travel_planes') }}
),

final as (
    select
        'travel_planes:' || _load_id || ':' || _row_number as activity_row_id,
        _load_id as load_id,
        _row_number as source_row_number,
        reporting_year,
        unit_institutional_id as unit_id,
        origin_iata as origin_code,
        destination_iata as destination_code,
        {{ person_key('user_institutional_id') }} as person_key,
        departure_date,
        number_of_trips,
        cabin_class,
        kg_co2eq as override_kg_co2e,
        note
    from source
)

select * from final
