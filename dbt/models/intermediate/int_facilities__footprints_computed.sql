{#- Facility footprint F(f, y) per row of the facility reference (METHODOLOGY.md §3.6 (b)): the declared
    value, or the sum of the facility unit's own headline legs of the year in the modules below (for an animal
    facility, only the legs of the row's footprint source). This runs before allocation and reads the modules'
    legs models, never fct_emissions: research-facility legs are not in the list, so there is no cycle, a
    facility's allocated use of another facility is not in its footprint (one pass, no iteration), and a
    facility cannot allocate to itself. A computed footprint is NULL (RF_FOOTPRINT_MISSING downstream) when
    the facility unit has no leg at all in the year; a source with no leg of a unit that has others is 0.
    The list of legs models is the one place to extend when a module is added. -#}
{%- set facility_footprint_legs_models = [
    "int_process__legs_unioned",
    "int_equipment__legs_unioned",
    "int_buildings__legs_unioned",
    "int_purchases__legs_unioned",
] -%}

with reference_rows as (
    select * from {{ ref('stg_csv__facility_footprints') }}
),

module_legs as (
    {%- for legs_model in facility_footprint_legs_models %}
        select
            unit_id,
            reporting_year,
            module_code,
            submodule_code,
            kg_co2e
        from {{ ref(legs_model) }}
        where not is_additional_category
        {{- "\n        union all" if not loop.last }}
    {%- endfor %}
),

source_legs as (
    -- The footprint sources of an animal facility (§3.6 (b)); centralised purchases are the purchases
    -- sub-module `additional` (§3.5), every building use other than rooms is combustion.
    select
        unit_id,
        reporting_year,
        kg_co2e,
        case
            when module_code = 'process_emissions' then 'process'
            when module_code = 'equipment' then 'equipment'
            when module_code = 'buildings' and submodule_code = 'rooms' then 'rooms'
            when module_code = 'buildings' then 'combustion'
            when module_code = 'purchases' and submodule_code = 'additional'
                then 'centralised_purchases'
            when module_code = 'purchases' then 'purchases'
        end as source_module
    from module_legs
),

unit_footprints as (
    select
        unit_id,
        reporting_year,
        sum(kg_co2e) as footprint_kg
    from source_legs
    group by unit_id, reporting_year
),

unit_source_footprints as (
    select
        unit_id,
        reporting_year,
        source_module,
        sum(kg_co2e) as footprint_kg
    from source_legs
    group by unit_id, reporting_year, source_module
),

final as (
    select
        reference_rows.reference_row_id,
        reference_rows.load_id,
        reference_rows.reporting_year,
        reference_rows.facility_id,
        reference_rows.facility_unit_id,
        reference_rows.facility_kind,
        reference_rows.allocation_unit,
        reference_rows.total_use,
        reference_rows.animal_type,
        reference_rows.source_module,
        reference_rows.source_share,
        reference_rows.footprint_origin,
        case
            when reference_rows.footprint_origin = 'declared' then reference_rows.declared_footprint_kg
            when reference_rows.footprint_origin = 'computed' and reference_rows.source_module is null
                then unit_footprints.footprint_kg
            when reference_rows.footprint_origin = 'computed' and unit_footprints.unit_id is not null
                then coalesce(unit_source_footprints.footprint_kg, 0)
        end as footprint_kg
    from reference_rows
    left join unit_footprints
        on
            reference_rows.facility_unit_id = unit_footprints.unit_id
            and reference_rows.reporting_year = unit_footprints.reporting_year
    left join unit_source_footprints
        on
            reference_rows.facility_unit_id = unit_source_footprints.unit_id
            and reference_rows.reporting_year = unit_source_footprints.reporting_year
            and reference_rows.source_module = unit_source_footprints.source_module
)

select * from final
where {{ partition_filter() }}
