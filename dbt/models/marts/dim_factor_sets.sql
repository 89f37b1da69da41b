{#- Catalogue of the shipped factor sets, with the reporting years the current profile binds each to. -#}
with factor_sets as (
    select * from {{ ref('seed_factor_sets') }}
),

bound_sets as (
    select * from {{ ref('int_factors__sets_bound') }}
),

bound_years as (
    select
        factor_set_id,
        array_agg(distinct reporting_year order by reporting_year) as bound_reporting_years
    from bound_sets
    group by factor_set_id
),

final as (
    select
        factor_sets.factor_set_id,
        factor_sets.publisher,
        factor_sets.factor_set_name,
        factor_sets.version,
        factor_sets.publication_year,
        factor_sets.valid_from_year,
        factor_sets.valid_to_year,
        factor_sets.licence,
        factor_sets.licence_status,
        factor_sets.citation,
        factor_sets.url,
        factor_sets.gwp_basis,
        factor_sets.distance_basis,
        factor_sets.uncertainty_kind,
        factor_sets.notes,
        coalesce(bound_years.bound_reporting_years, array[]::integer[]) as bound_reporting_years
    from factor_sets
    left join bound_years
        on factor_sets.factor_set_id = bound_years.factor_set_id
)

select * from final
