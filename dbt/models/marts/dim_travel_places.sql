{#- Places a journey starts or ends at, keyed as fct_emissions keys them: IATA code for planes, station id for
    trains. -#}
with airports as (
    select * from {{ ref('stg_reference__airports') }}
),

stations as (
    select * from {{ ref('stg_reference__train_stations') }}
),

final as (
    select
        'plane' as submodule_code,
        airport_code as place_code,
        airport_name as place_name,
        country_code,
        latitude_deg,
        longitude_deg
    from airports
    union all
    select
        'train' as submodule_code,
        station_id as place_code,
        station_name as place_name,
        country_code,
        latitude_deg,
        longitude_deg
    from stations
)

select * from final
