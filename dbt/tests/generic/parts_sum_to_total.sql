{#- Fails with every group where the parts (this column of this model, times `parts_scale`) do not add up to the
    total held by `total_model.total_column` within `tolerance`. A group present on one side only counts as 0
    on the other, so a part that lost its total, or the reverse, fails too. In a partition build both sides
    hold the rebuilt years only (macros/partitions.sql): `model` must then have no module_code column, which
    would narrow its side to the rebuilt modules. -#}
{% test parts_sum_to_total(
    model, column_name, total_model, total_column, group_by, total_where='true', parts_scale=1, tolerance=0.000001
) %}
    with parts as (
        select
            {{ group_by | join(', ') }},
            sum({{ column_name }}) * {{ parts_scale }} as parts_amount
        from {{ model }}
        group by {{ group_by | join(', ') }}
    ),

    totals as (
        select
            {{ group_by | join(', ') }},
            sum({{ total_column }}) as total_amount
        from {{ partition_years_subquery(total_model) }}
        where {{ total_where }}
        group by {{ group_by | join(', ') }}
    )

    select
        {{ group_by | join(', ') }},
        parts.parts_amount,
        totals.total_amount
    from parts
    full outer join totals using ({{ group_by | join(', ') }})
    where abs(coalesce(parts.parts_amount, 0) - coalesce(totals.total_amount, 0)) > {{ tolerance }}
{% endtest %}
