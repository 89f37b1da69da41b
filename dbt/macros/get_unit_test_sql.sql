{#- Unit-test comparison with the precision of the oracles. The worked examples of METHODOLOGY.md §5 are
    quoted to 6 decimals, while the models keep every digit (§1.2: no intermediate rounding). dbt compares
    actual and expected rows exactly, as text, so on both sides this rounds to 6 decimals the quantity
    columns, recognised by their unit suffix (`_km`, `_co2e`, `_eur`), as a sigma (`sigma_`), a share (`_share`) or as a multiplier
    (`_multiplier`: the quotient 2.7 / 2.0 prints with 20 trailing zeros). Every other column, codes and
    factor ids included, is still compared exactly. Overrides dbt's `default__get_unit_test_sql`. -#}
{% macro postgres__get_unit_test_sql(main_sql, expected_fixture_sql, expected_column_names) -%}
    {%- set compared_columns = [] -%}
    {%- for column_name in expected_column_names -%}
        {%- set bare_name = column_name | replace('"', '') -%}
        {%- if bare_name.endswith(('_km', '_co2e', '_multiplier', '_share', '_eur')) or bare_name.startswith('sigma_') -%}
            {%- do compared_columns.append('round((' ~ column_name ~ ')::numeric, 6) as ' ~ column_name) -%}
        {%- else -%}
            {%- do compared_columns.append(column_name) -%}
        {%- endif -%}
    {%- endfor %}
with dbt_internal_unit_test_actual as (
    select
        {{ compared_columns | join(', ') }},
        {{ dbt.string_literal("actual") }} as {{ adapter.quote("actual_or_expected") }}
    from (
        {{ main_sql }}
    ) as _dbt_internal_unit_test_actual
),

dbt_internal_unit_test_expected as (
    select
        {{ compared_columns | join(', ') }},
        {{ dbt.string_literal("expected") }} as {{ adapter.quote("actual_or_expected") }}
    from (
        {{ expected_fixture_sql }}
    ) as _dbt_internal_unit_test_expected
)

select * from dbt_internal_unit_test_actual
union all
select * from dbt_internal_unit_test_expected
{%- endmacro %}
