{#- The unit tree (METHODOLOGY.md §2.1: institution 1 -> school 2 -> institute 3 -> lab 4) with each unit's
    ancestor path, root first and the unit itself last, for subtree queries. -#}
with recursive units as (
    select * from {{ ref('stg_csv__units') }}
),

paths as (
    select
        unit_id,
        array[unit_id]::text[] as ancestor_unit_ids
    from units
    where parent_unit_id is null
    union all
    select
        children.unit_id,
        paths.ancestor_unit_ids || children.unit_id as ancestor_unit_ids
    from units as children
    inner join paths
        on children.parent_unit_id = paths.unit_id
),

final as (
    select
        units.unit_id,
        units.unit_code,
        units.unit_name,
        units.unit_level,
        units.parent_unit_id,
        paths.ancestor_unit_ids,
        schools.unit_id as school_unit_id,
        schools.unit_name as school_name,
        institutes.unit_id as institute_unit_id
    from units
    left join paths
        on units.unit_id = paths.unit_id
    left join units as schools
        on
            schools.unit_id = any(paths.ancestor_unit_ids)
            and schools.unit_level = 2
    left join units as institutes
        on
            institutes.unit_id = any(paths.ancestor_unit_ids)
            and institutes.unit_level = 3
)

select * from final
