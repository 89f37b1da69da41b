{#- kg CO2e (row level) to t CO2e (reports), METHODOLOGY.md §1.2; written once so no model divides by hand. -#}
{% macro kg_to_t(kg_expression) -%}
    (({{ kg_expression }}) / 1000)
{%- endmacro %}
