{# Every non-null value matches the regular expression `pattern` (whole value). #}
{% test matches_regex(model, column_name, pattern) %}
select {{ column_name }} from {{ model }}
where {{ column_name }} is not null and not regexp_full_match({{ column_name }}, '{{ pattern }}')
{% endtest %}
