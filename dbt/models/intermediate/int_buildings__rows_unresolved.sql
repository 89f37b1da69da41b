{#- Buildings rows kept without (all of) their emission (METHODOLOGY.md §1.5, §3.3 (e)), one status per row:
    BLDG_UNKNOWN_ROOM (the room left the reference after the rooms file was loaded), BLDG_NO_SURFACE
    (reference surface NULL or <= 0), INTENSITY_MISSING (no intensity for the building and type, and no
    `default` row), or FACTOR_MISSING (a carrier or fuel without a factor in the bound set: a room's other
    legs are still written). -#}
with rooms as (
    select * from {{ ref('int_buildings__rooms_resolved') }}
    where not is_override
),

room_energy as (
    select * from {{ ref('int_buildings__room_energy_computed') }}
),

combustions as (
    select * from {{ ref('int_buildings__combustion_computed') }}
    where status_code <> 'MATCHED'
),

intensity_keys as (
    select distinct
        reporting_year,
        building_name,
        room_type
    from {{ ref('stg_csv__building_room_intensities') }}
),

room_statuses as (
    select
        rooms.activity_row_id,
        rooms.load_id,
        rooms.unit_id,
        rooms.reporting_year,
        case
            when rooms.status_code <> 'RESOLVED' then rooms.status_code
            when not exists (
                select 1
                from intensity_keys
                where
                    intensity_keys.reporting_year = rooms.reporting_year
                    and intensity_keys.room_type = rooms.room_type
                    and intensity_keys.building_name in (rooms.building_name, 'default')
            ) then 'INTENSITY_MISSING'
            when exists (
                select 1
                from room_energy
                where
                    room_energy.activity_row_id = rooms.activity_row_id
                    and room_energy.status_code = 'FACTOR_MISSING'
            ) then 'FACTOR_MISSING'
        end as status_code
    from rooms
),

final as (
    select
        activity_row_id,
        load_id,
        unit_id,
        reporting_year,
        'buildings' as module_code,
        'rooms' as submodule_code,
        status_code
    from room_statuses
    where status_code is not null
    union all
    select
        activity_row_id,
        load_id,
        unit_id,
        reporting_year,
        'buildings' as module_code,
        'combustion' as submodule_code,
        status_code
    from combustions
)

select * from final
where {{ partition_filter() }}
