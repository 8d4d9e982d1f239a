{{ config(materialized='view') }}
-- applications_by_applicant_type restricted to certified reports: status ok and every hard identity (I1–I5) passed.
select * from {{ ref('applications_by_applicant_type') }}
where report_status = 'ok' and passes_identities
