with source as (
    select * from {{ source('reference', 'airports') }}
),

final as (
    select
        iata_code as airport_code,
        airport_name,
        city_name,
        country_code,
        latitude_deg,
        longitude_deg,
        source_name
    from source
)

select * from final
