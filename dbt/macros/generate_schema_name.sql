{#- Layers own fixed schemas (staging, intermediate, marts, reporting, reference): the custom schema name is
    used verbatim instead of dbt's default `<target_schema>_<custom>`, so the dashboard role can be granted
    `reporting` whatever the target. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
