{#- Every monetary purchase factor a code can match, per factor set (METHODOLOGY.md §3.5 (b) step 3, (c)):
    the seed's NACRES rows (match_level `nacres`) and UNSPSC rows (`unspsc`), and, for a UNSPSC code of the
    institution's crosswalk without a row of its own, the weight-averaged factor of the NACRES codes mapped to it
    (`unspsc_mapped`; its category is the one of the heaviest NACRES code, its uncertainty the weighted mean of
    theirs). A UNSPSC class or family row is an ordinary UNSPSC row whose code ends in 00 or 0000. -#}
{{ config(materialized="table") }}

with seed_factors as (
    select * from {{ ref('seed_factors__purchases_monetary') }}
),

crosswalk as (
    select * from {{ ref('seed_map_unspsc_nacres') }}
),

published as (
    select
        factor_id,
        factor_set_id,
        code_system,
        code,
        case when code_system = 'NACRES' then 'nacres' else 'unspsc' end as match_level,
        label as factor_label,
        purchase_category,
        price_base_year,
        value_kg_co2e_per_eur,
        uncertainty_rel,
        source_ref
    from seed_factors
),

mapped_nacres as (
    select
        crosswalk.unspsc_code,
        crosswalk.weight,
        published.factor_set_id,
        published.code as nacres_code,
        published.purchase_category,
        published.price_base_year,
        published.value_kg_co2e_per_eur,
        published.uncertainty_rel,
        row_number() over (
            partition by published.factor_set_id, crosswalk.unspsc_code
            order by crosswalk.weight desc, published.code asc
        ) as weight_rank
    from crosswalk
    inner join published
        on
            crosswalk.nacres_code = published.code
            and published.code_system = 'NACRES'
    where not exists (
        select 1
        from published as own_row
        where
            own_row.code_system = 'UNSPSC'
            and own_row.code = crosswalk.unspsc_code
            and own_row.factor_set_id = published.factor_set_id
    )
),

mapped as (
    select
        factor_set_id || ':purchases:UNSPSC.' || unspsc_code || '.mapped' as factor_id,
        factor_set_id,
        'UNSPSC' as code_system,
        unspsc_code as code,
        'unspsc_mapped' as match_level,
        'Weighted average of ' || string_agg(nacres_code, ', ' order by nacres_code) as factor_label,
        max(case when weight_rank = 1 then purchase_category end) as purchase_category,
        max(price_base_year) as price_base_year,
        sum(weight * value_kg_co2e_per_eur) / sum(weight) as value_kg_co2e_per_eur,
        sum(weight * uncertainty_rel) / sum(weight) as uncertainty_rel,
        'seed_map_unspsc_nacres (institution crosswalk) over the set''s NACRES rows' as source_ref
    from mapped_nacres
    group by factor_set_id, unspsc_code
),

final as (
    select * from published
    union all
    select * from mapped
)

select * from final
