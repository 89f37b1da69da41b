with source as (
    select * from {{ source('reference', 'train_stations') }}
),

final as (
    select
        station_id,
        station_name,
        country_code,
        latitude_deg,
        longitude_deg,
        source_name
    from source
)

select * from final
