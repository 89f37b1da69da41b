{#- The institution's room reference (replaced wholesale by each load): one row per (building, room). -#}
with source as (
    select * from {{ source('raw', 'building_rooms_reference') }}
),

final as (
    select
        'building_rooms_reference:' || _load_id || ':' || _row_number as reference_row_id,
        _load_id as load_id,
        building_location,
        building_name,
        room_name,
        room_type,
        room_surface_square_meter as surface_m2
    from source
)

select * from final
