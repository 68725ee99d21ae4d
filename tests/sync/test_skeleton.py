"""The roll-up's skeleton (``xlsx_blocks.Skeleton``: every sheet but the detail rows and the Deals rows, made by a
forked copy of the sync) is made with less work than the whole roll-up: without the Deals rows nor every plan's link
(``build_rollup(deal_rows=False)``), and its four charts' parts assembled by XlsxWriter's charts without writing a
whole workbook (``xlsx_rust._chart_parts``). What it writes must be what the longer way writes, byte for byte."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace

import pytest
import xlsxwriter.workbook

from mapsheet.config import Config
from mapsheet.sync import summary, xlsx_rust
from mapsheet.sync.changes import compare, state_of
from mapsheet.sync.tables import build_rollup

from .conftest import TODAY


@pytest.fixture(scope="module")
def laid_out(sample_plans, tmp_path_factory):
    """The 25 demo plans' summaries (one unreadable) and what changed since a sync that knew 20 of them and one
    plan gone since: the layout ``build_rollup`` takes."""
    folder = tmp_path_factory.mktemp("skeleton")
    broken = folder / "broken.xlsx"
    broken.write_bytes(b"not a workbook")
    summaries = [summary.summarize(str(path), TODAY, Config.default()) for _, path in sample_plans]
    summaries.append(summary.summarize(str(broken), TODAY, Config.default()))
    states = {s["path"]: state_of(s, None) for s in summaries if not s["error"]}
    previous = dict(list(states.items())[:20])
    gone = next(iter(previous.values()))._replace(path=str(folder / "gone.xlsx"))
    previous[gone.path] = gone
    changes = compare(previous, states, {s["path"] for s in summaries if s["error"]})
    layout = dict(pushes={p: 1 for p in list(states)[:3]}, changes=changes, today=TODAY, out_dir=folder,
                  last_sync_at="2026-11-20T09:00:00")
    return summaries, layout


def test_a_skeleton_laid_out_without_the_deals_rows_is_the_one_with_them_dropped(laid_out):
    summaries, layout = laid_out
    whole = build_rollup(summaries, details=False, **layout)
    light = build_rollup(summaries, details=False, deal_rows=False, **layout)
    assert any(t.sheet == "Changes" and t.rows for t in whole.tables)  # links in Changes and Problems too
    assert any(t.sheet == "Problems" and t.rows for t in whole.tables)
    assert light.dashboard == whole.dashboard
    assert light.tables == [replace(t, rows=[]) if t.sheet == "Deals" else t for t in whole.tables]
    assert xlsx_rust.skeleton(light)[1] == xlsx_rust.skeleton(whole)[1]


def _charts(laid_out) -> list:
    summaries, layout = laid_out
    return xlsx_rust._dashboard(xlsx_rust._Book(), build_rollup(summaries, **layout).dashboard, xlsx_rust._Formats())


def _closed(charts) -> list[bytes]:
    """The chart parts of the whole workbook XlsxWriter writes."""
    buffer = io.BytesIO()
    xlsx_rust._chart_book(charts, buffer).close()
    with zipfile.ZipFile(buffer) as z:
        return [z.read(f"xl/charts/chart{n}.xml") for n in range(1, len(charts) + 1)]


def test_the_charts_assembled_without_a_workbook_are_those_its_close_writes(laid_out):
    charts = _charts(laid_out)
    assert len(charts) == 4
    parts = xlsx_rust._assembled(xlsx_rust._chart_book(charts, io.BytesIO()), len(charts))
    assert parts is not None  # assembled so, with the XlsxWriter installed
    assert parts == _closed(charts) == xlsx_rust._chart_parts(charts)


def test_charts_xlsxwriter_does_not_assemble_so_come_from_a_whole_workbook(laid_out, monkeypatch):
    """Another XlsxWriter, whose private steps fail half-way: the parts come from a workbook of their own, closed."""
    charts = _charts(laid_out)
    expected = _closed(charts)
    real, calls = xlsxwriter.workbook.Workbook._add_chart_data, []

    def fails_first(book):
        calls.append(book)
        if len(calls) == 1:
            raise AttributeError("not in this version")
        return real(book)

    monkeypatch.setattr(xlsxwriter.workbook.Workbook, "_add_chart_data", fails_first)
    assert xlsx_rust._chart_parts(charts) == expected
    assert len(calls) == 2 and calls[0] is not calls[1]
