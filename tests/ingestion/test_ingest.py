from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from ingestion.generate import generate
from ingestion.pipeline import ingest
from tests.corpus import CORPUS


def test_ingest_archives_loads_and_is_idempotent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    landing = tmp_path / "landing"
    generate(landing, 12, seed=5)
    for t in landing.glob("*.truth.json"):
        t.unlink()
    (landing / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    shutil.copy(next(landing.glob("*.txt")), landing / "copy-of-first.txt")  # same bytes, second path
    monkeypatch.setenv("XXGK_ARCHIVE", str(tmp_path / "archive"))
    monkeypatch.setenv("XXGK_WAREHOUSE", str(tmp_path / "w.duckdb"))
    first = ingest([str(landing)], workers=1)
    assert first.files == 14 and first.parsed == 13  # the copy is one report_id
    assert first.by_status.get("failed") == 1  # the broken PDF is kept, with its reason
    archived = list((tmp_path / "archive").rglob("*.*"))
    assert len(archived) == 13
    second = ingest([str(landing)], workers=1)
    assert second.parsed == 0 and second.new_sources == 0
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    counts = [con.execute(f"select count(*) from raw.{t}").fetchone()[0]
              for t in ("reports", "report_cells", "parse_issues", "report_sources")]
    assert counts[0] == 13 and counts[3] == 14
    msg = con.execute("select message from raw.parse_issues i join raw.reports r using (report_id) "
                      "where r.status = 'failed'").fetchone()[0]
    assert "broken.pdf" in msg and "PDF" in msg


def test_warehouse_of_an_older_release_is_migrated(tmp_path: Path) -> None:
    """A warehouse whose raw.reports predates later columns gains them, and loading works by name."""
    import duckdb

    from ingestion.facts import frames
    from ingestion.parse import parse_file
    from ingestion.warehouse import connect, load

    path = tmp_path / "old.duckdb"
    with duckdb.connect(str(path)) as old:
        old.execute("create schema raw")
        old.execute("create table raw.reports (report_id varchar primary key, source varchar, format varchar, "
                    "encoding varchar, agency varchar, year integer, template_t2 varchar, template_t3 varchar, "
                    "status varchar, parser_version varchar, n_cells integer, n_printed integer, n_blank integer, "
                    "n_inferred integer, n_ambiguous integer, n_issues integer, bytes bigint)")
    con = connect(path)
    cols = [r[0] for r in con.execute("select column_name from information_schema.columns "
                                      "where table_schema = 'raw' and table_name = 'reports'").fetchall()]
    assert {"ingest_id", "prose_applications", "archived_path", "loaded_at"} <= set(cols)
    seed = next(p for p in (CORPUS / "seeds").iterdir() if p.name.startswith("000_"))
    reports, cells, issues, _ = frames([parse_file(seed)])
    load(con, reports, cells, issues, {reports["report_id"][0]: "a"}, "i1")
    assert con.execute("select ingest_id, archived_path from raw.reports").fetchall() == [("i1", "a")]


def test_code_columns_of_an_older_warehouse_become_enums_keeping_their_rows(tmp_path: Path) -> None:
    """raw.report_cells of an older release (codes as VARCHAR) is converted to the contract's ENUMs with
    every row kept; a column holding a value outside the list is left as it was, and migrate says so."""
    from ingestion.facts import CELLS
    from ingestion.warehouse import connect, migrate

    path = tmp_path / "old.duckdb"
    with duckdb.connect(str(path)) as old:
        old.execute("create schema raw")
        old.execute("create table raw.report_cells (report_id varchar, table_id varchar, row_code varchar, "
                    "col_code varchar, value double, text varchar, status varchar, rule varchar, unit varchar, "
                    "line integer, page integer)")
        old.execute("insert into raw.report_cells values ('r1', 't3', 'granted', 'total', 7, '7', 'printed', "
                    "null, null, 3, null), ('r1', 't4', 'administrative_review', 'upheld', null, null, 'blank', "
                    "null, null, 9, null)")
    con = connect(path)
    types = dict(con.execute("select column_name, data_type from information_schema.columns "
                             "where table_schema = 'raw' and table_name = 'report_cells'").fetchall())
    for col, values in CELLS.domains.items():
        assert types[col].startswith("ENUM(") and all(f"'{v}'" in types[col] for v in values)
    assert types["report_id"] == types["rule"] == "VARCHAR"
    assert con.execute("select table_id, row_code, col_code, value, status from raw.report_cells "
                       "order by line").fetchall() == [("t3", "granted", "total", 7.0, "printed"),
                                                       ("t4", "administrative_review", "upheld", None, "blank")]
    assert migrate(con) == []  # converted once
    con.execute("alter table raw.report_cells alter column col_code type varchar")
    con.execute("update raw.report_cells set col_code = 'not_a_code' where line = 9")
    notes = migrate(con)
    assert len(notes) == 1 and notes[0].startswith("raw.report_cells.col_code kept as VARCHAR")
    assert con.execute("select count(*) from raw.report_cells").fetchone()[0] == 2


def test_a_cell_code_outside_the_spec_is_refused_naming_its_report(tmp_path: Path) -> None:
    """The load refuses a batch whose cells carry a code outside the contract (a parser defect), with the
    column, the value and the report named, and loads nothing of it."""
    import polars as pl

    from ingestion.facts import frames
    from ingestion.parse import parse_file
    from ingestion.warehouse import connect, load

    seed = next(p for p in (CORPUS / "seeds").iterdir() if p.name.startswith("000_"))
    reports, cells, issues, _ = frames([parse_file(seed)])
    rid = reports["report_id"][0]
    bad = cells.with_columns(
        pl.when(pl.int_range(pl.len()) == 5).then(pl.lit("granted_twice")).otherwise(pl.col("row_code"))
        .alias("row_code")
    )
    con = connect(tmp_path / "w.duckdb")
    with pytest.raises(ValueError, match=rf"report_cells\.row_code: 1 value\(s\) outside .*granted_twice.*{rid}"):
        load(con, reports, bad, issues, {rid: "a"}, "i1")
    assert con.execute("select count(*) from raw.reports").fetchone()[0] == 0
    load(con, reports, cells, issues, {rid: "a"}, "i1")
    assert con.execute("select count(*) from raw.report_cells").fetchone()[0] == cells.height


def test_a_warehouse_held_by_another_process_is_waited_for_then_named(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess
    import sys

    from ingestion.warehouse import WarehouseLocked, open_db

    db = tmp_path / "w.duckdb"
    open_db(db).close()
    holder = subprocess.Popen([sys.executable, "-c", f"import duckdb, time; c = duckdb.connect({str(db)!r}, "
                               "read_only=True); print('held', flush=True); time.sleep(30)"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        monkeypatch.setenv("XXGK_LOCK_WAIT", "1")
        with pytest.raises(WarehouseLocked, match=f"PID {holder.pid}"):
            open_db(db)
    finally:
        holder.kill()
        holder.wait()
    open_db(db).close()  # free again: opens at once


def test_report_files_lists_what_rglob_would(tmp_path: Path) -> None:
    """Candidates under a folder, in sorted(rglob) order: no sidecars, dot files, partial downloads or
    images; files in hidden folders and symlinked files kept, symlinked folders not entered."""
    from ingestion.pipeline import report_files

    for rel in ("a/x.txt", "a/b/y.HTML", ".hid/z.pdf", "c/w.truth.json", "c/.dot.txt", "c/noext", "c/v.png",
                "c/u.part", "B.md", "a-b/q.docx"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    (tmp_path / "link").symlink_to(tmp_path / "a")
    (tmp_path / "c" / "l.txt").symlink_to(tmp_path / "a" / "x.txt")
    got = [str(p.relative_to(tmp_path)) for p in report_files([tmp_path])]
    assert got == [".hid/z.pdf", "B.md", "a/b/y.HTML", "a/x.txt", "a-b/q.docx", "c/l.txt", "c/noext"]


def test_cell_columns_follow_the_schema(tmp_path: Path) -> None:
    """A result's cell columns are concatenated into report_cells as they are: same order, same
    values as its CellOut tuples."""
    from ingestion.facts import CELLS, frames
    from ingestion.parse import CellOut, parse_file

    generate(tmp_path, 3, seed=5)
    results = [parse_file(p) for p in sorted(tmp_path.glob("*")) if not p.name.endswith(".truth.json")]
    assert [f.split("_")[0] for f in list(CELLS.columns)[1:]] == [f.split("_")[0] for f in CellOut._fields]
    _, cells, _, _ = frames(results)
    rows = [(r.report_id, *c) for r in results for c in r.cells]
    assert cells.height == len(rows) == sum(r.n_cells for r in results) > 0
    assert [(a, b, c, d, s) for a, b, c, d, _, _, s, *_ in rows] == list(
        cells.select("report_id", "table_id", "row_code", "col_code", "status").iter_rows()
    )


def test_cell_columns_of_unequal_length_are_refused(tmp_path: Path) -> None:
    """A chunk's cell columns are filled by slice: a result whose columns differ in length (a parser
    defect) would shift every cell after it into the wrong row, so it is refused."""
    from ingestion.facts import columns_of
    from ingestion.parse import parse_file

    generate(tmp_path, 6, seed=5)
    results = [parse_file(p) for p in sorted(tmp_path.glob("*")) if not p.name.endswith(".truth.json")]
    results = [r for r in results if r.n_cells]
    assert len(results) >= 2
    _, cells, _, _ = columns_of(results)
    assert cells[1] == [c for r in results for c in r.columns[0]]
    results[0].columns[4].pop()
    with pytest.raises(ValueError, match="differ in length"):
        columns_of(results)
