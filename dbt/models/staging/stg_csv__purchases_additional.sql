with source as (
    select * from {{ source('raw', 'purchases_additional') }}
),

final as (
    select
        'purchases_additional:' || _load_id || ':' || _row_number as activity_row_id,
        _load_id as load_id,
        _row_number as source_row_number,
        reporting_year,
        unit_institutional_id as unit_id,
        name as item_name,
        lower(regexp_replace(trim(name), '[^A-Za-z0-9]+', '_', 'g')) as item_code,
        unit as consumption_unit,
        annual_consumption,
        coef_to_kg as kg_per_consumption_unit,
        kg_co2eq as override_kg_co2e,
        note
    from source
)

select * from final
