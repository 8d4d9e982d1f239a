{# Sum of the values matching `condition`, or null when any of them is null (a blank or ambiguous
   cell): a partial sum would silently understate the figure. #}
{% macro strict_sum(value, condition) -%}
    case when count(*) filter (where {{ condition }} and {{ value }} is null) = 0
         then sum({{ value }}) filter (where {{ condition }}) end
{%- endmacro %}

{% macro safe_share(numerator, denominator) -%}
    case when ({{ denominator }}) > 0 then round(({{ numerator }}) / ({{ denominator }}), 4) end
{%- endmacro %}
