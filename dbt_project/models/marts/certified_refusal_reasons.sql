{{ config(materialized='view') }}
-- refusal_reasons restricted to certified reports: status ok and every hard identity (I1–I5) passed.
select * from {{ ref('refusal_reasons') }}
where report_status = 'ok' and passes_identities
