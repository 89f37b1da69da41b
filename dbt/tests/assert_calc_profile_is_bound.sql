-- A failure means the dbt var `calc_profile` names no profile of seed_factor_set_bindings (a typo in
-- `--vars`): every row would end up FACTOR_MISSING instead of the build saying why.
select '{{ var("calc_profile") }}' as calc_profile
where not exists (
    select 1
    from {{ ref('seed_factor_set_bindings') }}
    where profile_code = '{{ var("calc_profile") }}'
)
