{{ config(materialized='view') }}
-- review_litigation restricted to certified reports: status ok and every hard identity (I1–I5) passed.
select * from {{ ref('review_litigation') }}
where report_status = 'ok' and passes_identities
