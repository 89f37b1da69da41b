{#- The pseudonymous key of a person (METHODOLOGY.md §2.3): SHA-256 of the warehouse's secret and the
    institutional id, so marts can count and group people without naming them, and nobody without the secret
    can recover an id by hashing candidate ids. The secret is made by ingest (ops.person_key_secrets). -#}
{% macro person_key(id_column) %}
    encode(
        sha256(convert_to((select secret_key from {{ source('ops', 'person_key_secrets') }}) || ':' || {{ id_column }}, 'UTF8')),
        'hex'
    )
{% endmacro %}
