{#- Every buildings emission leg in the emission-row shape of METHODOLOGY.md §1.3: one leg per computed room
    end use (lighting, cooling, ventilation, heating_elec, heating_thermal), one leg per combustion row (the
    fuel's name), and one `override` leg per row that brought its own kg_co2eq (rooms scope 2, combustion
    scope 1; §1.4). A unit heating rooms through intensities and burning fuel in its own boilers in the same
    year may count the same heat twice: both legs get BLDG_POSSIBLE_DOUBLE_HEATING. Unresolved rows are in
    int_buildings__rows_unresolved. -#}
with room_energy as (
    select * from {{ ref('int_buildings__room_energy_computed') }}
    where status_code = 'MATCHED'
),

room_overrides as (
    select * from {{ ref('int_buildings__rooms_resolved') }}
    where is_override
),

combustions as (
    select * from {{ ref('int_buildings__combustion_computed') }}
    where status_code = 'MATCHED'
),

combustion_overrides as (
    select * from {{ ref('stg_csv__building_energycombustions') }}
    where override_kg_co2e is not null
),

units_burning_fuel as (
    select distinct
        unit_id,
        reporting_year
    from {{ ref('stg_csv__building_energycombustions') }}
),

units_heating_rooms as (
    select distinct
        unit_id,
        reporting_year
    from room_energy
    where leg_code in ('heating_elec', 'heating_thermal')
),

room_energy_legs as (
    select
        room_energy.activity_row_id,
        room_energy.load_id,
        room_energy.reporting_year,
        room_energy.unit_id,
        'rooms' as submodule_code,
        room_energy.leg_code,
        room_energy.ghg_scope,
        room_energy.carrier_quantity as activity_quantity,
        room_energy.carrier_unit as activity_unit,
        room_energy.factor_id,
        room_energy.factor_set_id,
        room_energy.factor_set_version,
        room_energy.factor_value,
        room_energy.factor_unit,
        room_energy.kg_co2e,
        room_energy.uncertainty_rel,
        room_energy.sigma_kg,
        false as is_override,
        room_energy.flags
        || case
            when
                room_energy.leg_code in ('heating_elec', 'heating_thermal')
                and units_burning_fuel.unit_id is not null
                then array['BLDG_POSSIBLE_DOUBLE_HEATING']
            else array[]::text[]
        end as flags,
        jsonb_build_object(
            'building_name', room_energy.building_name,
            'room_name', room_energy.room_name,
            'room_type', room_energy.room_type,
            'surface_m2', room_energy.surface_m2,
            'room_allocation_ratio', room_energy.room_allocation_ratio,
            'allocated_surface_m2', room_energy.allocated_surface_m2,
            'end_use_code', room_energy.end_use_code,
            'intensity_kwh_per_m2', room_energy.intensity_kwh_per_m2,
            'intensity_id', room_energy.intensity_id,
            'carrier_code', room_energy.carrier_code,
            'conversion_factor', room_energy.conversion_factor,
            'energy_demand_kwh', room_energy.energy_demand_kwh
        ) as leg_parameters
    from room_energy
    left join units_burning_fuel
        on
            room_energy.unit_id = units_burning_fuel.unit_id
            and room_energy.reporting_year = units_burning_fuel.reporting_year
),

room_override_legs as (
    select
        activity_row_id,
        load_id,
        reporting_year,
        unit_id,
        'rooms' as submodule_code,
        2 as ghg_scope,
        allocated_surface_m2 as activity_quantity,
        'm2' as activity_unit,
        null::text as factor_unit,
        jsonb_build_object(
            'building_name', building_name, 'room_name', room_name, 'room_type', room_type
        ) as leg_parameters,
        {{ override_leg(flags="flags") }}
    from room_overrides
),

combustion_legs as (
    select
        combustions.activity_row_id,
        combustions.load_id,
        combustions.reporting_year,
        combustions.unit_id,
        'combustion' as submodule_code,
        combustions.fuel_code as leg_code,
        1 as ghg_scope,
        combustions.quantity as activity_quantity,
        combustions.activity_unit,
        combustions.factor_id,
        combustions.factor_set_id,
        combustions.factor_set_version,
        combustions.factor_value,
        combustions.factor_unit,
        combustions.kg_co2e,
        combustions.uncertainty_rel,
        combustions.sigma_kg,
        false as is_override,
        case
            when units_heating_rooms.unit_id is not null then array['BLDG_POSSIBLE_DOUBLE_HEATING']
            else array[]::text[]
        end as flags,
        jsonb_build_object('fuel_code', combustions.fuel_code) as leg_parameters
    from combustions
    left join units_heating_rooms
        on
            combustions.unit_id = units_heating_rooms.unit_id
            and combustions.reporting_year = units_heating_rooms.reporting_year
),

combustion_override_legs as (
    select
        activity_row_id,
        load_id,
        reporting_year,
        unit_id,
        'combustion' as submodule_code,
        1 as ghg_scope,
        quantity as activity_quantity,
        activity_unit,
        null::text as factor_unit,
        jsonb_build_object('fuel_code', fuel_code) as leg_parameters,
        {{ override_leg() }}
    from combustion_overrides
),

final as (
    {{ module_legs(
        ["room_energy_legs", "room_override_legs", "combustion_legs", "combustion_override_legs"],
        constants={"module_code": "'buildings'", "ghg_category_code": "null::integer"},
    ) }}
)

select * from final
where {{ partition_filter() }}
