{#- One row per computed room x end use (overrides and rooms without a surface excluded), METHODOLOGY.md
    §3.3 (b): carrier_quantity = allocated_surface_m2 x intensity_kwh_per_m2 x conversion_factor, then x the
    bound factor of the carrier. Intensities of the room's building and type are used as a set; a building
    without any row for the type falls back to the `default` building's rows (BLDG_DEFAULT_INTENSITY). An
    end use whose intensity is 0 gives no row (no zero legs). Heating is `heating_elec` (scope 2) on
    electricity, `heating_thermal` on a fuel burnt on site (scope 1) or on purchased district heat (scope
    2); lighting, cooling and ventilation are electric, scope 2. A carrier without a factor in the bound
    sets is FACTOR_MISSING. -#}
with rooms as (
    select * from {{ ref('int_buildings__rooms_resolved') }}
    where not is_override and status_code = 'RESOLVED'
),

intensities as (
    select * from {{ ref('stg_csv__building_room_intensities') }}
),

carrier_factors as (
    select * from {{ ref('int_buildings__carrier_factors_bound') }}
),

intensity_keys as (
    select distinct
        reporting_year,
        building_name,
        room_type
    from intensities
),

-- Materialised first: the intensity building of a room comes out of two left joins, and left to itself
-- the planner joined every room to every intensity of its type before filtering on the building
-- (467,480 rows for 58,435 at scale 1, 3.8 s instead of 0.26 s).
rooms_keyed as materialized (
    select
        rooms.*,
        coalesce(own_intensities.building_name, default_intensities.building_name) as intensity_building_name,
        (own_intensities.building_name is null and default_intensities.building_name is not null)
            as is_default_intensity
    from rooms
    left join intensity_keys as own_intensities
        on
            rooms.reporting_year = own_intensities.reporting_year
            and rooms.building_name = own_intensities.building_name
            and rooms.room_type = own_intensities.room_type
    left join intensity_keys as default_intensities
        on
            rooms.reporting_year = default_intensities.reporting_year
            and default_intensities.building_name = 'default'
            and rooms.room_type = default_intensities.room_type
),

end_uses as (
    select
        rooms_keyed.activity_row_id,
        rooms_keyed.load_id,
        rooms_keyed.reporting_year,
        rooms_keyed.unit_id,
        rooms_keyed.building_name,
        rooms_keyed.room_name,
        rooms_keyed.room_type,
        rooms_keyed.surface_m2,
        rooms_keyed.room_allocation_ratio,
        rooms_keyed.allocated_surface_m2,
        rooms_keyed.is_default_intensity,
        rooms_keyed.flags as room_flags,
        intensities.intensity_id,
        intensities.end_use_code,
        intensities.intensity_kwh_per_m2,
        intensities.carrier_code,
        intensities.conversion_factor,
        case
            when intensities.end_use_code <> 'heating' then intensities.end_use_code
            when intensities.carrier_code = 'electricity' then 'heating_elec'
            else 'heating_thermal'
        end as leg_code,
        rooms_keyed.allocated_surface_m2 * intensities.intensity_kwh_per_m2 as energy_demand_kwh,
        rooms_keyed.allocated_surface_m2 * intensities.intensity_kwh_per_m2 * intensities.conversion_factor
            as carrier_quantity,
        case
            when intensities.carrier_code = 'electricity' then 2
            when intensities.carrier_code like 'district_heat%' then 2
            else 1
        end as ghg_scope
    from rooms_keyed
    inner join intensities
        on
            rooms_keyed.reporting_year = intensities.reporting_year
            and rooms_keyed.intensity_building_name = intensities.building_name
            and rooms_keyed.room_type = intensities.room_type
    where intensities.intensity_kwh_per_m2 > 0
),

final as (
    select
        end_uses.activity_row_id,
        end_uses.load_id,
        end_uses.reporting_year,
        end_uses.unit_id,
        end_uses.building_name,
        end_uses.room_name,
        end_uses.room_type,
        end_uses.surface_m2,
        end_uses.room_allocation_ratio,
        end_uses.allocated_surface_m2,
        end_uses.intensity_id,
        end_uses.end_use_code,
        end_uses.intensity_kwh_per_m2,
        end_uses.carrier_code,
        end_uses.conversion_factor,
        end_uses.leg_code,
        end_uses.ghg_scope,
        end_uses.energy_demand_kwh,
        end_uses.carrier_quantity,
        coalesce(carrier_factors.activity_unit, 'kWh') as carrier_unit,
        carrier_factors.factor_id,
        carrier_factors.factor_set_id,
        carrier_factors.factor_set_version,
        carrier_factors.factor_value,
        carrier_factors.factor_unit,
        end_uses.carrier_quantity * carrier_factors.factor_value as kg_co2e,
        carrier_factors.uncertainty_rel,
        abs(end_uses.carrier_quantity * carrier_factors.factor_value)
        * carrier_factors.uncertainty_rel as sigma_kg,
        end_uses.room_flags || case
            when end_uses.is_default_intensity then array['BLDG_DEFAULT_INTENSITY'] else array[]::text[]
        end as flags,
        case when carrier_factors.factor_id is null then 'FACTOR_MISSING' else 'MATCHED' end as status_code
    from end_uses
    left join carrier_factors
        on
            end_uses.reporting_year = carrier_factors.reporting_year
            and end_uses.carrier_code = carrier_factors.carrier_code
)

select * from final
where {{ partition_filter() }}
