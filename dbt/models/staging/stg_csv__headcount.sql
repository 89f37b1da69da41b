{#- `name` stays in raw (restricted); marts only ever see the pseudonymous person_key
    (METHODOLOGY.md §2.3). -#}
with source as (
    select * from {{ source('raw', 'headcount') }}
),

final as (
    select
        'headcount:' || _load_id || ':' || _row_number as activity_row_id,
        _load_id as load_id,
        _row_number as source_row_number,
        reporting_year,
        unit_institutional_id as unit_id,
        {{ person_key('user_institutional_id') }} as person_key,
        sius_code,
        fte,
        note
    from source
)

select * from final
