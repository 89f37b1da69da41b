{#- Use of animal facilities per animal type, 1:1 with raw.researchfacilities_animals
    (METHODOLOGY.md §3.6 (a)). -#}
with source as (
    select * from {{ source('raw', 'researchfacilities_animals') }}
),

final as (
    select
        'researchfacilities_animals:' || _load_id || ':' || _row_number as activity_row_id,
        _load_id as load_id,
        _row_number as source_row_number,
        reporting_year,
        unit_institutional_id as unit_id,
        researchfacility_id as facility_id,
        researchfacility_name as facility_name,
        researchfacility_type as animal_type,
        use as use_quantity,
        use_unit,
        kg_co2eq as override_kg_co2e,
        note
    from source
)

select * from final
