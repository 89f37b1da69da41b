with source as (
    select * from {{ source('raw', 'processemissions') }}
),

final as (
    select
        'processemissions:' || _load_id || ':' || _row_number as activity_row_id,
        _load_id as load_id,
        _row_number as source_row_number,
        reporting_year,
        unit_institutional_id as unit_id,
        case when category = 'Refrigerant' then 'refrigerants' else lower(category) end as submodule_code,
        category as process_category,
        subcategory as process_subcategory,
        case when category = 'Refrigerant' then subcategory else category end as gas_code,
        quantity as quantity_kg,
        kg_co2eq as override_kg_co2e,
        note
    from source
)

select * from final
