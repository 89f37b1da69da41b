with source as (
    select * from {{ source('raw', 'building_room_intensities') }}
),

final as (
    select
        'building_room_intensities:' || _load_id || ':' || _row_number as intensity_id,
        _load_id as load_id,
        reporting_year,
        building_name,
        room_type,
        end_use as end_use_code,
        intensity_kwh_per_m2,
        carrier_code,
        conversion_factor,
        note
    from source
)

select * from final
