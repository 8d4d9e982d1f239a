with source as (
    select * from {{ source('raw', 'agencies') }}
)

select
    agency,
    province,
    city,
    county,
    township,
    adcode,
    admin_level,
    unit_kind
from source
