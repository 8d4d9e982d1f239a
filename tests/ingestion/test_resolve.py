"""X2 across reports: an ambiguous 表二 row (digits run together) decided by its agency's neighbouring years."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb

from ingestion.generate import generate
from ingestion.parse import parse_file
from ingestion.resolve import X2_COLS, X2Row, resolve_x2
from tests.corpus import CORPUS


def _row(rid: str, year: int, *options: tuple[float | None, float | None, float | None]) -> X2Row:
    return X2Row(rid, "甲县人民政府", year, "normative_documents", tuple(options), len(options) > 1)


def _decided(out: list) -> dict[tuple[str, str], float]:
    return {(r.report_id, r.col): r.value for r in out}


def test_the_one_reading_last_years_report_fits_is_chosen() -> None:
    """pingtan 2021 prints 行政规范性文件693665: ten readings. With 599 in force at the end of 2020, only
    69 issued, 3 repealed, 665 in force continues it (599 + 69 − 3 = 665)."""
    res = parse_file(CORPUS / "real" / "pingtan-2021.txt")
    (rr,) = [r for r in res.readings if r.row == "normative_documents"]
    assert rr.cols == X2_COLS and len(rr.values) == 10
    now = X2Row(res.report_id, "平潭综合实验区", 2021, rr.row, tuple(tuple(v) for v in rr.values), True)
    before = X2Row("p20", "平潭综合实验区", 2020, rr.row, ((70.0, 1.0, 599.0),), False)
    out = resolve_x2([now, before])
    assert _decided(out) == {(res.report_id, "issued"): 69, (res.report_id, "repealed"): 3,
                             (res.report_id, "in_force"): 665}
    assert {r.neighbours for r in out} == {("p20",)} and {r.readings for r in out} == {10}
    # the same report alone, or beside another agency's, decides nothing
    assert resolve_x2([now]) == []
    assert resolve_x2([now, X2Row("q20", "别的县", 2020, rr.row, ((70.0, 1.0, 599.0),), False)]) == []


def test_a_later_year_decides_through_an_ambiguous_middle_year() -> None:
    """2021 is decided; 2022 has two readings that both continue it; 2023's readings leave only one of
    2022's with a successor, so 2022 and 2023 are decided together."""
    out = resolve_x2([
        _row("y21", 2021, (0.0, 0.0, 10.0)),
        _row("y22", 2022, (5.0, 0.0, 15.0), (1.0, 0.0, 11.0)),
        _row("y23", 2023, (2.0, 0.0, 17.0), (7.0, 0.0, 30.0)),
    ])
    assert _decided(out) == {("y22", "issued"): 5, ("y22", "in_force"): 15,
                             ("y23", "issued"): 2, ("y23", "in_force"): 17}
    # repealed was 0 in every reading: nothing to decide there
    assert {r.neighbours for r in out if r.report_id == "y22"} == {("y21", "y23")}


def test_a_cell_is_decided_only_where_every_reading_left_agrees() -> None:
    out = resolve_x2([
        _row("y21", 2021, (0.0, 0.0, 10.0)),
        _row("y22", 2022, (5.0, 5.0, 10.0), (1.0, 1.0, 10.0), (1.0, 1.0, 99.0)),
    ])
    assert _decided(out) == {("y22", "in_force"): 10}  # issued and repealed stay open: 5/5 or 1/1


def test_an_agency_shown_to_break_x2_decides_nothing() -> None:
    """No reading of 2022 continues 2021 (an agency that cleaned up its documents, or miscounted): that
    agency is not trusted to keep X2 anywhere, so 2023 does not decide 2022 either, though only one of
    2022's readings continues into it. Without the break it does. The last case is the generator's: a
    re-counted row (truly 48, 54, 9 after 6 in force) whose wrong split 48, 5, 49 fits X2 by chance."""
    assert resolve_x2([
        _row("y21", 2021, (0.0, 0.0, 100.0)),
        _row("y22", 2022, (1.0, 0.0, 5.0), (10.0, 0.0, 50.0)),
        _row("y23", 2023, (0.0, 0.0, 50.0)),
    ]) == []
    assert resolve_x2([  # a break between two years printed plainly counts as much
        _row("y19", 2019, (0.0, 0.0, 7.0)),
        _row("y20", 2020, (0.0, 0.0, 9.0)),
        _row("y22", 2022, (1.0, 0.0, 5.0), (10.0, 0.0, 50.0)),
        _row("y23", 2023, (0.0, 0.0, 50.0)),
    ]) == []
    assert _decided(resolve_x2([
        _row("y22", 2022, (1.0, 0.0, 5.0), (10.0, 0.0, 50.0)),
        _row("y23", 2023, (0.0, 0.0, 50.0)),
    ])) == {("y22", "issued"): 10, ("y22", "in_force"): 50}
    # … nor for the other item: a re-count seldom spares one (here rules, printed plainly: 2 + 8 − 0 ≠ 19)
    rules = [X2Row("r23", "甲县人民政府", 2023, "rules", ((0.0, 2.0, 2.0),), False),
             X2Row("r24", "甲县人民政府", 2024, "rules", ((8.0, 0.0, 19.0),), False)]
    docs = [X2Row("d23", "甲县人民政府", 2023, "normative_documents", ((0.0, 2.0, 6.0),), False),
            X2Row("d24", "甲县人民政府", 2024, "normative_documents", ((4.0, 8.0, 549.0), (48.0, 5.0, 49.0),
                                                                       (48.0, 54.0, 9.0)), True)]
    assert _decided(resolve_x2(docs)) == {("d24", "issued"): 48, ("d24", "repealed"): 5, ("d24", "in_force"): 49}
    assert resolve_x2(docs + rules) == []
    # a chain whose pairs each agree but not all at once (y22 fits y21 one way and y23 the other)
    assert resolve_x2([
        _row("y21", 2021, (0.0, 0.0, 10.0)),
        _row("y22", 2022, (1.0, 0.0, 11.0), (5.0, 0.0, 40.0)),
        _row("y23", 2023, (0.0, 0.0, 40.0)),
    ]) == []


def test_a_figure_not_known_drops_no_reading() -> None:
    """A neighbour whose in-force cell is blank or itself undecided, or a reading that leaves a cell
    unknown (a lost cell), constrains nothing."""
    assert resolve_x2([
        _row("y21", 2021, (0.0, 0.0, None)),
        _row("y22", 2022, (5.0, 0.0, 15.0), (1.0, 0.0, 11.0)),
    ]) == []
    assert resolve_x2([
        _row("y21", 2021, (0.0, 0.0, 10.0)),
        _row("y22", 2022, (5.0, 0.0, 15.0), (None, 0.0, 11.0)),
    ]) == []


def test_ingest_decides_neighbours_cells_exactly_and_undoes_them_when_a_neighbour_changes(tmp_path: Path) -> None:
    """Generated agencies report for runs of consecutive years. Ingested every other year first, no report
    has a neighbour and X2 decides nothing; once the other years arrive, it decides cells in both
    ingests' reports, each equal to the generator's truth, and re-stamps the older reports with the new
    ingest; counts, status and issues follow the cells. A neighbour that changes undoes what it decided."""
    from ingestion.pipeline import ingest
    from ingestion.settings import Settings
    from ingestion.warehouse import connect, resolve_across_years

    corpus = tmp_path / "corpus"
    generate(corpus, 400, seed=7)
    years = {p: json.loads(p.read_text("utf-8")).get("year") for p in corpus.glob("*.truth.json")}
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    for truth, year in years.items():
        report = next(p for p in corpus.glob(truth.name.replace(".truth.json", ".*")) if p != truth)
        shutil.copy(report, (second if isinstance(year, int) and year % 2 else first) / report.name)
        shutil.copy(truth, (second if isinstance(year, int) and year % 2 else first) / truth.name)
    st = Settings(landing=tmp_path / "land", archive=tmp_path / "archive", warehouse=tmp_path / "w.duckdb",
                  reports=tmp_path / "reports", dagster_home=tmp_path / "dh")
    one = ingest([str(first)], st, workers=1, ingest_id="i1")
    assert one.timings["x2_resolved"] == 0
    two = ingest([str(second)], st, workers=1, ingest_id="i2")
    con = duckdb.connect(str(st.warehouse))
    decided = con.execute(
        "select r.source, r.ingest_id, c.row_code::varchar, c.col_code::varchar, c.value from raw.report_cells c "
        "join raw.reports r using (report_id) where c.rule = 'X2'"
    ).fetchall()
    assert len(decided) == two.timings["x2_resolved"] >= 10
    for source, _, row, col, value in decided:
        truth = json.loads(Path(source).with_suffix(".truth.json").read_text("utf-8"))
        assert truth["t2"][row][col] == value, (source, row, col)
    assert {Path(s).parent.name for s, *_ in decided} == {"first", "second"}
    from orchestration.bench import x2_against_truth  # what make bench prints

    assert x2_against_truth(con) == {"decided": len(decided), "equal_to_truth": len(decided), "left_ambiguous": con.execute(
        "select count(*) from raw.report_cells where status = 'ambiguous' and table_id = 't2' "
        "and row_code in ('rules', 'normative_documents') and report_id in "
        "(select report_id from raw.reports where template_t2 = '2021')").fetchone()[0]}
    one = "rowid = (select min(rowid) from raw.report_cells where rule = 'X2')"
    con.execute(f"update raw.report_cells set value = value + 1 where {one}")
    assert x2_against_truth(con)["equal_to_truth"] == len(decided) - 1
    con.execute(f"update raw.report_cells set value = value - 1 where {one}")
    assert {i for _, i, *_ in decided} == {"i2"}  # the first ingest's reports re-stamped
    # the second ingest's verdict is on the reports it loaded, not on those it re-stamped
    from expectations.gates import batch_verdict

    assert sum(batch_verdict(con, "i2").by_status.values()) == two.parsed < con.execute(
        "select count(*) from raw.reports where ingest_id = 'i2'").fetchone()[0]
    # … and marked as re-stamped without a new reading (its agency and year are as they were)
    assert set(con.execute(
        "select split_part(source, '/', -2), x2_revised_in from raw.reports where report_id in "
        "(select report_id from raw.report_cells where rule = 'X2')").fetchall()) == {("first", "i2"), ("second", None)}
    # counts, status and issues follow the cells
    assert con.execute(
        """select count(*) from raw.reports r join (
             select report_id, count(*) filter (where status = 'ambiguous') as a,
                    count(*) filter (where status = 'inferred') as i, count(distinct table_id) as t
             from raw.report_cells group by report_id) c using (report_id)
           where r.n_ambiguous <> c.a or r.n_inferred <> c.i
              or (r.status = 'ok') <> (c.a = 0 and c.t = 3)"""
    ).fetchone() == (0,)
    said = con.execute(
        "select i.code, count(*) from raw.parse_issues i join raw.report_cells c on c.report_id = i.report_id "
        "and c.table_id = 't2' and c.row_code::varchar = i.row_code and c.col_code::varchar = i.col_code "
        "where c.rule = 'X2' group by 1"
    ).fetchall()
    assert said == [("inferred_cell", len(decided))]
    assert con.execute("select count(*) from raw.parse_issues group by report_id, seq having count(*) > 1"
                       ).fetchall() == []
    # its neighbours re-read with other figures in force: what they decided is undone
    (rid, agency) = con.execute(
        "select report_id, agency from raw.reports where report_id in "
        "(select report_id from raw.report_cells where rule = 'X2') order by report_id limit 1").fetchone()
    (n_x2,) = con.execute("select count(*) from raw.report_cells where report_id = ? and rule = 'X2'", [rid]).fetchone()
    others = "select report_id from raw.reports where agency = ? and report_id <> ?"
    con.execute("update raw.report_cells set value = value + 1000 where table_id = 't2' and col_code = 'in_force' "
                f"and value is not null and report_id in ({others})", [agency, rid])
    con.execute(f"update raw.row_readings set value = value + 1000 where col_code = 'in_force' and report_id in ({others})",
                [agency, rid])
    con.execute(f"update raw.reports set ingest_id = 'i3' where report_id in ({others})", [agency, rid])
    con.close()
    con = connect(st.warehouse)
    assert resolve_across_years(con, "i3")["undone"] >= n_x2
    assert con.execute("select status, ingest_id from raw.reports where report_id = ?", [rid]).fetchone() == (
        "partial", "i3")
    assert con.execute("select count(*) from raw.report_cells where report_id = ? and rule = 'X2'", [rid]
                       ).fetchone() == (0,)
    messages = con.execute("select message from raw.parse_issues where report_id = ? and code = 'ambiguous_cell' "
                           "and message like '%; X2 no longer decides it%'", [rid]).fetchall()
    assert len(messages) == n_x2 and all("several readings fit (" in m for (m,) in messages)
