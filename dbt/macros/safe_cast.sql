{#- Casts of unit-test fixture values. Postgres reports an array column's type as plain `ARRAY`, which dbt
    then uses as the cast target (`cast(null as ARRAY)` is a syntax error); co2calc's only arrays are text[]
    (flags, unit paths), so that type is named here. Overrides dbt's `default__safe_cast`. -#}
{% macro postgres__safe_cast(field, type) -%}
    {%- if type == 'ARRAY' -%}
        cast({{ field }} as text[])
    {%- else -%}
        cast({{ field }} as {{ type }})
    {%- endif -%}
{%- endmacro %}
