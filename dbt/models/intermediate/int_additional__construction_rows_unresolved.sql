{#- Room rows whose construction and renovation emissions could not be estimated, one per room row
    (METHODOLOGY.md §3.9 (e)): INTENSITY_MISSING when no intensity of the year applies to its building, not
    even a `default` one (the category is "not estimated", never 0); else the room's own status when it has no
    surface (BLDG_NO_SURFACE) or is not in the room reference (BLDG_UNKNOWN_ROOM). -#}
with rooms as (
    select * from {{ ref('int_buildings__rooms_resolved') }}
),

computed as (
    select * from {{ ref('int_additional__construction_computed') }}
),

room_status as (
    select distinct
        activity_row_id,
        status_code
    from computed
),

final as (
    select
        rooms.activity_row_id,
        rooms.load_id,
        rooms.unit_id,
        rooms.reporting_year,
        'additional' as module_code,
        'construction' as submodule_code,
        coalesce(room_status.status_code, 'INTENSITY_MISSING') as status_code
    from rooms
    left join room_status
        on rooms.activity_row_id = room_status.activity_row_id
    where room_status.status_code is distinct from 'MATCHED'
)

select * from final
where {{ partition_filter() }}
