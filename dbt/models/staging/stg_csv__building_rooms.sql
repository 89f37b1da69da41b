with source as (
    select * from {{ source('raw', 'building_rooms') }}
),

final as (
    select
        'building_rooms:' || _load_id || ':' || _row_number as activity_row_id,
        _load_id as load_id,
        _row_number as source_row_number,
        reporting_year,
        unit_institutional_id as unit_id,
        building_location,
        building_name,
        room_name,
        room_type as declared_room_type,
        room_allocation_ratio,
        kg_co2eq as override_kg_co2e,
        note
    from source
)

select * from final
