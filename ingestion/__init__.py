"""xxgk ingestion: read scraped 政府信息公开工作年度报告 into long-form facts.

Plain Python + Polars. Nothing here imports dagster, dbt or great_expectations: the parser is a
library, callable from the CLI, from Dagster and from a notebook.
"""

PARSER_VERSION = "0.5.0"  # 0.5: ambiguous 表二 rows keep their readings (raw.row_readings) for X2

# the compiled parser modules, if built and current (see ingestion/native.py); before any is imported
from . import native as _native  # noqa: E402

_native.activate()
