{#- The three equipment templates (scientific, IT, other) as one inventory; submodule_code says which template
    the row came from. -#}
with scientific as (
    select * from {{ ref('stg_csv__equipment_scientific') }}
),

it as (
    select * from {{ ref('stg_csv__equipment_it') }}
),

other as (
    select * from {{ ref('stg_csv__equipment_other') }}
),

final as (
    -- One staging macro (stg_csv_equipment) defines all three, so their columns match one for one; sqlfluff
    -- cannot see through the refs, hence the AM04 exemption on the final select.
    select * from scientific
    union all
    select * from it
    union all
    select * from other
)

select * from final  -- noqa: AM04
where {{ partition_filter() }}
