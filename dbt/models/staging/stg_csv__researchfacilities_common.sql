{#- Use of common and IT facilities, 1:1 with raw.researchfacilities_common (METHODOLOGY.md §3.6 (a)). -#}
with source as (
    select * from {{ source('raw', 'researchfacilities_common') }}
),

final as (
    select
        'researchfacilities_common:' || _load_id || ':' || _row_number as activity_row_id,
        _load_id as load_id,
        _row_number as source_row_number,
        reporting_year,
        unit_institutional_id as unit_id,
        researchfacility_id as facility_id,
        researchfacility_name as facility_name,
        null::text as animal_type,
        use as use_quantity,
        use_unit,
        kg_co2eq as override_kg_co2e,
        note
    from source
)

select * from final
