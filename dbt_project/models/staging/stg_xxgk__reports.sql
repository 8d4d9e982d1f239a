with source as (
    select * from {{ source('raw', 'reports') }}
)

select
    report_id,
    source as source_path,
    archived_path,
    format,
    encoding,
    agency,
    year as report_year,
    template_t2,
    template_t3,
    status as report_status,
    parser_version,
    n_cells,
    n_printed,
    n_blank,
    n_inferred,
    n_ambiguous,
    n_issues,
    bytes,
    ingest_id,
    x2_revised_in,
    loaded_at
from source
