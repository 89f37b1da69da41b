{#- One row per module and submodule present in fct_emissions (read from its per-unit sums,
    fct_emissions__unit_factor_year), saying whether it is an additional category (METHODOLOGY.md §1.7): the
    dashboard keeps those out of every headline total, per-FTE figure and target, and shows them in a block of
    their own that the reader can hide. No unit data: every dashboard viewer reads it whole. -#}
with emissions as (
    select * from {{ ref('fct_emissions__unit_factor_year') }}
),

final as (
    select distinct
        module_code::text as module_code,
        submodule_code::text as submodule_code,
        coalesce(is_additional_category, false)::boolean as is_additional_category
    from emissions
)

select * from final
