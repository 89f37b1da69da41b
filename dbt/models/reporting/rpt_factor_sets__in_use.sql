{#- The factor sets behind the numbers of each year and submodule, with their provenance: the dashboard states
    the set (and so the RF choice) next to every total (METHODOLOGY.md §4.4). Overrides name no set. -#}
{{ config(
    materialized="incremental",
    incremental_strategy="append",
    on_schema_change="fail",
    pre_hook="{{ delete_changed_partitions(module_column='module_code') }}",
) }}

with emissions as (
    select * from {{ ref('fct_emissions') }}
    where not is_override
),

factor_sets as (
    select * from {{ ref('dim_factor_sets') }}
),

sets_in_use as (
    select distinct
        reporting_year,
        module_code,
        submodule_code,
        factor_set_id
    from emissions
),

final as (
    select
        sets_in_use.reporting_year::integer as reporting_year,
        sets_in_use.module_code::text as module_code,
        sets_in_use.submodule_code::text as submodule_code,
        sets_in_use.factor_set_id::text as factor_set_id,
        factor_sets.publisher::text as publisher,
        factor_sets.factor_set_name::text as factor_set_name,
        factor_sets.version::text as version,
        factor_sets.publication_year::integer as publication_year,
        factor_sets.licence::text as licence,
        factor_sets.citation::text as citation
    from sets_in_use
    inner join factor_sets
        on sets_in_use.factor_set_id = factor_sets.factor_set_id
)

select * from final
where {{ partition_filter(module_column='module_code') }}
