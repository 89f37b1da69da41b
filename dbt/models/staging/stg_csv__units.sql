with source as (
    select * from {{ source('raw', 'units') }}
),

final as (
    select
        unit_institutional_id as unit_id,
        unit_code,
        unit_name,
        unit_level,
        parent_unit_institutional_id as parent_unit_id,
        _load_id as load_id,
        _source_file as source_file,
        _row_number as source_row_number
    from source
)

select * from final
