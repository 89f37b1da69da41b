{#- The factor sets the selected calculation profile binds to each reporting year and factor family
    (METHODOLOGY.md §4.3). Switching the dbt var `calc_profile` recomputes everything with other sets. -#}
with bindings as (
    select * from {{ ref('seed_factor_set_bindings') }}
),

factor_sets as (
    select * from {{ ref('seed_factor_sets') }}
),

final as (
    select
        bindings.reporting_year,
        bindings.factor_family,
        bindings.factor_set_id,
        bindings.rf_target,
        factor_sets.version as factor_set_version,
        factor_sets.distance_basis,
        factor_sets.uncertainty_kind
    from bindings
    inner join factor_sets
        on bindings.factor_set_id = factor_sets.factor_set_id
    where bindings.profile_code = '{{ var("calc_profile") }}'
)

select * from final
where {{ partition_filter() }}
