{#- The eight monetary purchase templates as one list of invoice lines (METHODOLOGY.md §3.5 (a)); source_code
    says which template the row came from. is_duplicate marks a line whose (supplier, amount, currency, code,
    name) repeats within its unit and year, across templates: such lines are kept and computed, flagged
    ROW_DUPLICATE (a WARNING, §3.5 (e)). -#}
with scientific_equipment as (
    select * from {{ ref('stg_csv__purchases_scientificequipment') }}
),

it_equipment as (
    select * from {{ ref('stg_csv__purchases_itequipment') }}
),

consumables as (
    select * from {{ ref('stg_csv__purchases_consumables') }}
),

biological_chemical_gaseous as (
    select * from {{ ref('stg_csv__purchases_biological_chemical_gaseous') }}
),

services as (
    select * from {{ ref('stg_csv__purchases_services') }}
),

other as (
    select * from {{ ref('stg_csv__purchases_other') }}
),

vehicles as (
    select * from {{ ref('stg_csv__purchases_vehicles') }}
),

common as (
    select * from {{ ref('stg_csv__purchases_common') }}
),

unioned as (
    -- One staging macro (stg_csv_purchases) defines all eight, so their columns match one for one; sqlfluff
    -- cannot see through the refs, hence the AM04 exemption.
    select * from scientific_equipment  -- noqa: AM04
    union all
    select * from it_equipment
    union all
    select * from consumables
    union all
    select * from biological_chemical_gaseous
    union all
    select * from services
    union all
    select * from other
    union all
    select * from vehicles
    union all
    select * from common
),

final as (
    select
        *,
        count(*) over (
            partition by
                unit_id,
                reporting_year,
                supplier_name,
                total_spent_amount,
                currency_code,
                institutional_code,
                nacres_code,
                purchase_name
        ) > 1 as is_duplicate
    from unioned
)

select * from final  -- noqa: AM04
where {{ partition_filter() }}
