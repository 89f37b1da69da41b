{#- One row per room a unit occupies in a year (overrides included), with the surface of the room reference
    and the unit's allocated share of it: allocated_surface_m2 = surface_m2 x room_allocation_ratio
    (METHODOLOGY.md §3.3 (a)). The reference's room type wins over the declared one (BLDG_TYPE_MISMATCH);
    the ratios of one room summed over every unit of the year may not exceed 1 (BLDG_OVERALLOCATED). This is
    the room inventory later models start from (room energy here; construction and research facilities from
    surfaces). -#}
with rooms as (
    select * from {{ ref('stg_csv__building_rooms') }}
),

room_reference as (
    select * from {{ ref('stg_csv__building_rooms_reference') }}
),

allocations as (
    select
        reporting_year,
        building_name,
        room_name,
        sum(room_allocation_ratio) as room_allocation_ratio_total
    from rooms
    group by reporting_year, building_name, room_name
),

joined as (
    select
        rooms.activity_row_id,
        rooms.load_id,
        rooms.source_row_number,
        rooms.reporting_year,
        rooms.unit_id,
        coalesce(room_reference.building_location, rooms.building_location) as building_location,
        rooms.building_name,
        rooms.room_name,
        rooms.declared_room_type,
        coalesce(room_reference.room_type, rooms.declared_room_type) as room_type,
        room_reference.reference_row_id,
        room_reference.surface_m2,
        rooms.room_allocation_ratio,
        allocations.room_allocation_ratio_total,
        rooms.override_kg_co2e,
        room_reference.reference_row_id is not null as is_in_reference,
        room_reference.surface_m2 > 0 as has_surface
    from rooms
    left join room_reference
        on
            rooms.building_name = room_reference.building_name
            and rooms.room_name = room_reference.room_name
    inner join allocations
        on
            rooms.reporting_year = allocations.reporting_year
            and rooms.building_name = allocations.building_name
            and rooms.room_name = allocations.room_name
),

final as (
    select
        activity_row_id,
        load_id,
        source_row_number,
        reporting_year,
        unit_id,
        building_location,
        building_name,
        room_name,
        declared_room_type,
        room_type,
        reference_row_id,
        surface_m2,
        room_allocation_ratio,
        case when has_surface then surface_m2 * room_allocation_ratio end as allocated_surface_m2,
        room_allocation_ratio_total,
        override_kg_co2e,
        override_kg_co2e is not null as is_override,
        is_in_reference,
        array_remove(
            array[
                case when not is_in_reference then 'BLDG_UNKNOWN_ROOM' end,
                case when room_type <> declared_room_type then 'BLDG_TYPE_MISMATCH' end,
                case when room_allocation_ratio_total > 1 then 'BLDG_OVERALLOCATED' end
            ],
            null
        ) as flags,
        case
            when not is_in_reference then 'BLDG_UNKNOWN_ROOM'
            when not coalesce(has_surface, false) then 'BLDG_NO_SURFACE'
            else 'RESOLVED'
        end as status_code
    from joined
)

select * from final
where {{ partition_filter() }}
