{#- One row naming the dbt invocation that built the reporting schema: the dashboard keys its caches on it,
    so every build invalidates them. -#}
with final as (
    select '{{ invocation_id }}'::text as dbt_invocation_id
)

select * from final
