{#- One derived line per (headcount row x intensity row) of its year (METHODOLOGY.md §3.1 (b), §3.9 (b)):
    activity = FTE x value per FTE. A member matches the intensities of population `staff` or `all` whose
    SIUS code is blank or equal to theirs; when several rows give the same (domain, class, route), the most
    specific one applies (a SIUS-specific row before a general one, `staff` before `all`), so a line is never
    counted twice. Members with zero FTE have no additional activity. -#}
with headcount as (
    select * from {{ ref('stg_csv__headcount') }}
    where fte > 0
),

intensities as (
    select * from {{ ref('stg_csv__additional_intensities') }}
),

candidates as (
    select
        headcount.activity_row_id,
        headcount.load_id,
        headcount.reporting_year,
        headcount.unit_id,
        headcount.sius_code,
        headcount.fte,
        intensities.intensity_id,
        intensities.domain_code,
        intensities.population_code,
        intensities.class_code,
        intensities.route_code,
        intensities.value_per_fte,
        intensities.value_unit,
        row_number() over (
            partition by
                headcount.activity_row_id,
                intensities.domain_code,
                intensities.class_code,
                intensities.route_code
            order by intensities.sius_code is null, intensities.population_code <> 'staff'
        ) as specificity_rank
    from headcount
    inner join intensities
        on
            headcount.reporting_year = intensities.reporting_year
            and intensities.population_code in ('staff', 'all')
            and (intensities.sius_code is null or headcount.sius_code = intensities.sius_code)
),

final as (
    select
        activity_row_id,
        load_id,
        reporting_year,
        unit_id,
        sius_code,
        fte,
        intensity_id,
        domain_code,
        population_code,
        class_code,
        route_code,
        coalesce(class_code || '.' || route_code, class_code) as leg_code,
        value_per_fte,
        value_unit,
        fte * value_per_fte as activity_quantity
    from candidates
    where specificity_rank = 1
)

select * from final
where {{ partition_filter() }}
