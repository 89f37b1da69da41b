with units as (
    select * from {{ ref('dim_units') }}
),

final as (
    select
        unit_id::text as unit_id,
        unit_code::text as unit_code,
        unit_name::text as unit_name,
        unit_level::integer as unit_level,
        parent_unit_id::text as parent_unit_id,
        ancestor_unit_ids::text[] as ancestor_unit_ids,
        school_unit_id::text as school_unit_id,
        school_name::text as school_name
    from units
)

select * from final
