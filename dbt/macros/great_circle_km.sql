{#- Haversine great-circle distance in km between two points given in degrees (METHODOLOGY.md §3.2 (b), §5).
    R = 6371.0088 km is the IUGG mean Earth radius that the worked examples use. Trigonometry exists only
    in double precision; the result is cast to numeric so that everything downstream stays numeric, and
    nothing is rounded. -#}
{% macro great_circle_km(latitude_1_deg, longitude_1_deg, latitude_2_deg, longitude_2_deg) -%}
    (
        2 * 6371.0088 * asin(sqrt(
            power(sin(radians(({{ latitude_2_deg }}) - ({{ latitude_1_deg }})) / 2), 2)
            + cos(radians({{ latitude_1_deg }})) * cos(radians({{ latitude_2_deg }}))
            * power(sin(radians(({{ longitude_2_deg }}) - ({{ longitude_1_deg }})) / 2), 2)
        ))
    )::numeric
{%- endmacro %}
