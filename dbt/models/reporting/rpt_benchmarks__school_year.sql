{#- Per school and year, the median t CO2e per FTE of its labs, headline only (additional categories excluded,
    METHODOLOGY.md §1.7; each lab's ratio is its own Σ t / Σ FTE, §2.2), so that a lab head can place their
    lab against the school without reading another lab's rows.

    The table has no `unit_id` column on purpose: row-level security lets every dashboard viewer read it, as an
    aggregate (§2.3, only aggregated results leave the roles). A school with fewer than three labs with staff
    gets no median, which would otherwise come close to one lab's own number. -#}
{{ config(
    materialized="incremental",
    incremental_strategy="append",
    on_schema_change="fail",
    pre_hook="{{ delete_changed_partitions() }}",
) }}

with emissions as (
    select * from {{ ref('fct_emissions__unit_factor_year') }}
    where not coalesce(is_additional_category, false) and {{ partition_filter() }}
),

headcount as (
    select * from {{ ref('fct_headcount__unit_year') }}
),

labs as (
    select * from {{ ref('dim_units') }}
    where unit_level = 4 and school_unit_id is not null
),

footprint_years as (
    select distinct reporting_year from emissions
),

lab_emissions as (
    select
        unit_id,
        reporting_year,
        sum(kg_co2e) as kg_co2e
    from emissions
    group by unit_id, reporting_year
),

lab_intensities as (
    select
        labs.school_unit_id,
        headcount.reporting_year,
        {{ kg_to_t('coalesce(lab_emissions.kg_co2e, 0)') }} / headcount.fte as t_co2e_per_fte
    from headcount
    inner join labs on headcount.unit_id = labs.unit_id
    inner join footprint_years on headcount.reporting_year = footprint_years.reporting_year
    left join lab_emissions
        on
            headcount.unit_id = lab_emissions.unit_id
            and headcount.reporting_year = lab_emissions.reporting_year
    where headcount.fte > 0
),

per_school as (
    select
        school_unit_id,
        reporting_year,
        count(*) as lab_count,
        percentile_cont(0.5) within group (order by t_co2e_per_fte) as median_t_co2e_per_fte
    from lab_intensities
    group by school_unit_id, reporting_year
),

final as (
    select
        school_unit_id::text as school_unit_id,
        reporting_year::integer as reporting_year,
        lab_count::integer as lab_count,
        (case when lab_count >= 3 then median_t_co2e_per_fte end)::float8 as median_t_co2e_per_fte
    from per_school
)

select * from final
where {{ partition_filter() }}
