"""After a dbt build: its saved parse is kept for the next build, and old build folders are removed."""

from __future__ import annotations

import os
import time
from pathlib import Path

from orchestration.assets.dbt import IN_USE_S, KEEP_BUILDS, tidy_target


def _build(target: Path, name: str, age_s: float, parse: bytes | None = None) -> Path:
    d = target / name
    (d / "compiled").mkdir(parents=True)
    (d / "dbt.log").write_text("…", encoding="utf-8")
    if parse is not None:
        (d / "partial_parse.msgpack").write_bytes(parse)
    then = time.time() - age_s
    for p in (d / "dbt.log", d):
        os.utime(p, (then, then))
    return d


def test_a_build_keeps_its_parse_and_the_newest_builds(tmp_path: Path) -> None:
    target = tmp_path / "target"
    (target / "compiled").mkdir(parents=True)  # dbt's own folder, not a build's
    (target / "partial_parse.msgpack").write_bytes(b"parse for another warehouse")
    old = [_build(target, f"xxgk_dbt_models-run{k}-x", age_s=IN_USE_S + 100 * (k + 1)) for k in range(5)]
    running = _build(target, "xxgk_dbt_models-busy-x", age_s=IN_USE_S + 9999)  # an old folder, but:
    (running / "dbt.log").write_text("still writing", encoding="utf-8")  # its log was touched just now
    this = _build(target, "xxgk_dbt_models-this-x", age_s=0, parse=b"parse for this warehouse")

    tidy_target(this, target)

    assert (target / "partial_parse.msgpack").read_bytes() == b"parse for this warehouse"
    left = sorted(d.name for d in target.iterdir() if d.is_dir())
    # kept: this build, the newest others up to KEEP_BUILDS in all (the running one first), dbt's folder
    newest_old = [d.name for d in old[: KEEP_BUILDS - 2]]
    assert left == sorted(["compiled", this.name, running.name, *newest_old])
    assert not list(target.glob(".partial_parse*"))


def test_a_build_without_a_saved_parse_leaves_the_old_one(tmp_path: Path) -> None:
    target = tmp_path / "target"
    target.mkdir()
    (target / "partial_parse.msgpack").write_bytes(b"old")
    this = _build(target, "xxgk_dbt_models-this-x", age_s=0)
    tidy_target(this, target)
    assert (target / "partial_parse.msgpack").read_bytes() == b"old"
    assert this.exists()


def test_builds_touched_lately_stay_however_many(tmp_path: Path) -> None:
    target = tmp_path / "target"
    recent = [_build(target, f"xxgk_dbt_models-r{k}-x", age_s=10 * (k + 1)) for k in range(KEEP_BUILDS + 2)]
    stale = _build(target, "xxgk_dbt_models-stale-x", age_s=IN_USE_S + 1)
    this = _build(target, "xxgk_dbt_models-this-x", age_s=0, parse=b"p")
    tidy_target(this, target)
    assert all(d.exists() for d in recent) and this.exists() and not stale.exists()
