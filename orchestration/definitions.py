"""Where a run starts: every asset, check, schedule, sensor and resource of xxgk.

`make dev` serves these in the Dagster UI; `xxgk run` / `xxgk ingest` execute the same job in process.
"""

from orchestration.env import prepare

SETTINGS = prepare()  # offline switches and absolute paths before dagster/dbt/GX are imported

import dagster as dg  # noqa: E402

from orchestration.assets.dbt import xxgk_dbt_models  # noqa: E402
from orchestration.assets.quality import quality_gates, quality_report  # noqa: E402
from orchestration.assets.raw import landing_scan, parsed_facts  # noqa: E402
from orchestration.resources import dbt_resource  # noqa: E402
from orchestration.schedules import daily, everything, landing_sensor  # noqa: E402

defs = dg.Definitions(
    assets=[landing_scan, parsed_facts, quality_gates, xxgk_dbt_models, quality_report],
    jobs=[everything],
    schedules=[daily],
    sensors=[landing_sensor],
    resources={"dbt": dbt_resource()},
    executor=dg.in_process_executor,  # DuckDB has one writer; per-step processes would re-import everything
)
