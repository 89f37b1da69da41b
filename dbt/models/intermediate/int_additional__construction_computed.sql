{#- One row per (room row x construction activity with an intensity of the year), METHODOLOGY.md §3.9 (b):
    kg_co2e = allocated_surface_m2 x intensity_kg_co2e_per_m2 (the allocated surface is surface x
    room_allocation_ratio, int_buildings__rooms_resolved). Per activity, the intensity of the room's building
    applies, else that of the `default` building (flag BLDG_DEFAULT_INTENSITY); building names match
    case-insensitively. The intensity is the institution's declared kg CO2e per m2, so it is also the factor:
    factor_id is the intensity row and the set is `construction_intensities`, versioned by the intensity load.
    A room row override (§1.4) replaces its room energy, not its embodied emissions, so override rows are
    computed too. A room without surface or unknown to the reference keeps its room status and no kg. -#}
with rooms as (
    select * from {{ ref('int_buildings__rooms_resolved') }}
),

intensities as (
    select * from {{ ref('stg_csv__construction_intensities') }}
),

activities as (
    select distinct activity_code
    from intensities
),

room_activities as (
    select
        rooms.*,
        activities.activity_code,
        coalesce(own_intensities.intensity_id, default_intensities.intensity_id) as intensity_id,
        (own_intensities.intensity_id is null and default_intensities.intensity_id is not null)
            as is_default_intensity
    from rooms
    cross join activities
    left join intensities as own_intensities
        on
            rooms.reporting_year = own_intensities.reporting_year
            and lower(rooms.building_name) = lower(own_intensities.building_name)
            and activities.activity_code = own_intensities.activity_code
    left join intensities as default_intensities
        on
            rooms.reporting_year = default_intensities.reporting_year
            and lower(default_intensities.building_name) = 'default'
            and activities.activity_code = default_intensities.activity_code
),

final as (
    select
        room_activities.activity_row_id,
        room_activities.load_id,
        room_activities.reporting_year,
        room_activities.unit_id,
        room_activities.building_name,
        room_activities.room_name,
        room_activities.room_type,
        room_activities.surface_m2,
        room_activities.room_allocation_ratio,
        room_activities.allocated_surface_m2,
        room_activities.activity_code,
        room_activities.intensity_id,
        intensities.load_id as intensity_load_id,
        intensities.building_name as intensity_building_name,
        intensities.intensity_kg_co2e_per_m2,
        room_activities.is_default_intensity,
        room_activities.allocated_surface_m2 * intensities.intensity_kg_co2e_per_m2 as kg_co2e,
        case
            when room_activities.is_default_intensity
                then room_activities.flags || array['BLDG_DEFAULT_INTENSITY']
            else room_activities.flags
        end as flags,
        case
            when room_activities.status_code = 'RESOLVED' then 'MATCHED'
            else room_activities.status_code
        end as status_code
    from room_activities
    inner join intensities
        on room_activities.intensity_id = intensities.intensity_id
)

select * from final
where {{ partition_filter() }}
