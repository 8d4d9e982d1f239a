with source as (
    select * from {{ source('raw', 'report_sources') }}
)

select
    report_id,
    source_path,
    archived_path,
    first_seen,
    ingest_id
from source
