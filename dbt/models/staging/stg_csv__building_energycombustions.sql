with source as (
    select * from {{ source('raw', 'building_energycombustions') }}
),

final as (
    select
        'building_energycombustions:' || _load_id || ':' || _row_number as activity_row_id,
        _load_id as load_id,
        _row_number as source_row_number,
        reporting_year,
        unit_institutional_id as unit_id,
        name as fuel_code,
        unit as activity_unit,
        quantity,
        kg_co2eq as override_kg_co2e,
        note
    from source
)

select * from final
