"""A plan's stored summary is used again only under the settings it was checked with: the packaged defaults (keyed
by their text, parsed only where plans are read) or the project file found beside it."""

from __future__ import annotations

from mapsheet.sync import run, sync

from .conftest import TODAY, RollupBook


def test_plans_are_read_again_when_the_packaged_defaults_change(plans_dir, tmp_path, monkeypatch):
    out = tmp_path / "rollup.xlsx"
    first = sync([plans_dir], out, today=TODAY)
    assert (first.read, first.cached) == (25, 0)
    assert (sync([plans_dir], out, today=TODAY).read, sync([plans_dir], out, today=TODAY).written) == (0, False)
    shipped = run.defaults_text()
    monkeypatch.setattr(run, "defaults_text", lambda: shipped.replace("[thresholds]", "[thresholds]\n# changed", 1))
    again = sync([plans_dir], out, today=TODAY)  # a mapsheet whose defaults say otherwise
    assert (again.read, again.cached, again.written) == (25, 0, True)


def test_plans_are_read_again_under_a_project_file_put_beside_them_and_after_it_is_gone(plans_dir, tmp_path):
    out = tmp_path / "rollup.xlsx"
    sync([plans_dir], out, today=TODAY)
    scores = {row["Deal"]: row["Score"] for row in RollupBook(out).rows("Deals")}
    (plans_dir / "mapsheet.toml").write_text('ignore = ["MAP"]\n')  # no rule is run: every plan scores 100
    under = sync([plans_dir], out, today=TODAY)
    assert (under.read, under.cached) == (25, 0)
    assert {row["Score"] for row in RollupBook(out).rows("Deals")} == {100} != set(scores.values())
    (plans_dir / "mapsheet.toml").unlink()
    after = sync([plans_dir], out, today=TODAY)
    assert (after.read, after.cached) == (25, 0)
    assert {row["Deal"]: row["Score"] for row in RollupBook(out).rows("Deals")} == scores
