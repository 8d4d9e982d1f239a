{{ config(materialized='view') }}
-- active_disclosure restricted to certified reports: status ok and every hard identity (I1–I5) passed.
select * from {{ ref('active_disclosure') }}
where report_status = 'ok' and passes_identities
