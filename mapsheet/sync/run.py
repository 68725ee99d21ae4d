"""A sync, start to end: list the plans, read the changed ones in parallel, compare with the history,
write the roll-up (and exports), record the history.

A re-sync where nothing changed (same files by path, size and modification time; same reference date,
configuration, mapsheet version and outputs; the roll-up still as it was written) costs the listing, one
``stat`` per plan and one history query: nothing is read and the roll-up is not rewritten, so its Changes
sheet keeps showing what changed at the last real change.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from dataclasses import dataclass, field
from functools import partial, wraps
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from .._version import __version__
from ..config import Config, defaults_text, find_project_file, load_config
from ..errors import MapsheetError
from ..safeio import ensure_not_open
from ..sources import no_plans, plan_keys
from . import budget, drive, export
from .digest import blake2b, sha256
from .history import CacheEntry, History, PlanState, default_history_path
from .writers import writer_name

# What reading plans and writing a roll-up use is imported where a sync gets to it (a re-sync that finds
# nothing changed stops before: tests/cli/test_startup.py), so that such a re-sync costs little more than
# Python's own start.
if TYPE_CHECKING:
    from ..google.client import GoogleClient
    from .details import Details, Read
    from .forkpool import ForkPool
    from .gsheet import GoogleRollup, GoogleWrite

Progress = Callable[[int, int], None]  # (plans read so far, plans to read)


@dataclass
class SyncReport:
    """What a sync did: how many plans it read, took from the history or could not read, and what it wrote."""

    out: Path
    history: Path
    plans: int = 0
    read: int = 0  # parsed in this sync
    cached: int = 0  # taken from the history, not parsed
    unreadable: int = 0
    drifted: int = 0
    renamed: int = 0  # plans naming columns by accepted synonyms: information, not a problem
    written: bool = True  # False: nothing changed, the roll-up was left as it was
    rows: dict[str, int] = field(default_factory=dict)  # sheet -> rows written
    exports: list[Path] = field(default_factory=list)
    google: "GoogleWrite | None" = None  # what writing a Google Sheet roll-up took (requests, cells)

    @property
    def problems(self) -> int:
        return self.unreadable + self.drifted

    @property
    def exit_code(self) -> int:
        return 1 if self.problems else 0


def _fewer_collections(sync: Callable) -> Callable:
    """``sync`` run with what is alive when it starts frozen out of Python's cyclic garbage collector
    (``gc.freeze``: the modules, classes and functions of the start, never garbage) and its youngest generation
    collected every 10,000 new objects instead of 700: a sync makes many lasting objects (every plan's summary
    and rows) and few cycles, and the collections that walked them again and again took about a tenth of the
    main process's CPU (measured: 0.11 s of a full sync of 1,000 plans, 0.05 s of a re-sync). The reading
    processes forked meanwhile start so too (what they share with this one is then not copied to be counted)."""
    @wraps(sync)
    def collecting_less(*args, **kwargs):
        import gc

        threshold = gc.get_threshold()
        gc.freeze()
        gc.set_threshold(10_000, *threshold[1:])
        try:
            return sync(*args, **kwargs)
        finally:
            gc.set_threshold(*threshold)
            gc.unfreeze()

    return collecting_less


@_fewer_collections
def sync(sources: Iterable[str | Path], out: "str | Path | GoogleRollup", *, today: dt.date | None = None,
         config: str | Path | None = None, history: str | Path | None = None, csv: str | Path | None = None,
         parquet: str | Path | None = None, jobs: int | None = None, progress: Progress | None = None,
         writer: str | None = None, google: "Callable[[], GoogleClient] | None" = None,
         read_via: str | None = None, time_limit: float | None = None, hold: list | None = None) -> SyncReport:
    """Roll the plans found in ``sources`` (files, folders, globs, Drive folder URLs or ids) up into ``out``:
    a workbook path, or a Google Sheet (``gsheet.GoogleRollup``). Raises MapsheetError when it cannot run;
    plans that cannot be read are reported (``report.unreadable``), never raised. ``writer`` picks the .xlsx
    writer ("rust" or "xlsxwriter"; default: ``MAPSHEET_ROLLUP_WRITER``, else rust: see ``excel``);
    ``google`` makes the Google client (default: the default sign-in); ``read_via`` how native Sheets
    are read ("export" or "sheets": google/drive.py); ``time_limit`` bounds reading from Drive (seconds).
    ``hold``: for a caller whose process ends right after without tearing anything down (the command line:
    ``cli._app.run``), a list the sync leaves what it worked with in (every plan's summary and rows: hundreds of
    thousands of objects), not taken apart object by object as it returns (about 10 ms of a re-sync of 10
    edited plans of 1,000, measured)."""
    to_google = _is_google(out)
    if not to_google:
        out = Path(out).absolute()
    today = today or dt.date.today()
    if history is None and to_google:
        raise MapsheetError("a Google Sheet roll-up needs --history FILE (where the sync remembers the plans)")
    report = SyncReport(out, Path(history).absolute() if history else default_history_path(out))
    exports = {fmt: Path(folder).absolute() for fmt, folder in (("csv", csv), ("parquet", parquet)) if folder}
    for fmt in exports:
        export.require(fmt)
    writer_used = "google" if to_google else writer_name(writer)  # fails early on an unknown name
    strategy = drive.check_strategy(read_via)
    if not to_google:
        ensure_not_open(out, hint=" before syncing, or choose another --out")
    local, drive_ids = drive.split_sources(sources)
    # By plan ref key (sources.PlanRef): a file's absolute path as text, listed as such (a Path is costly to make).
    paths = plan_keys(local, exclude=() if to_google else (out,)) if local else []
    client = (out.client if to_google else (google or drive.client_factory())()) if drive_ids else None
    files = drive.list_files(client, drive_ids, exclude=[out.spreadsheet] if to_google else []) if drive_ids else []
    if not paths and not files:
        raise no_plans(sources)
    early = _Early.when(len(paths) if not files else 0, report.history, jobs)
    opened: History | None = None  # a re-sync's history, opened before the plans' settings are worked out
    try:
        stats, keys = None, None
        if early is None and not files and report.history.exists():
            stats = {key: _stat(key) for key in paths}
            opened = History(report.history)
            keys = opened.cache_keys()
            early = _Early.changed(stats, keys, jobs)
        configs, contexts, config_errors = _contexts(paths, today, config)
        by_blocks = _by_blocks(to_google, exports, writer_used)
        if early is not None and keys is None:  # a first sync reads every plan: handed over now, before the
            # history is made
            early.hand([(p, contexts[p][1]) for p in paths if p not in config_errors], (today, configs, by_blocks))
        if stats is None:
            stats = {key: _stat(key) for key in paths}
        by_key = {f.ref.key: f for f in files}
        if files:
            drive_context = _fixed_context(today, config, configs)
            for key, f in by_key.items():
                stats[key], contexts[key] = (f.version, f.modified_ns), drive_context
        order = [*paths, *(f.ref.key for f in files)]
        report.plans = len(order)
        fingerprint = _fingerprint(stats, contexts, out.link if to_google else out, exports, writer_used)
        with opened or History(report.history) as store:
            last = store.last_sync()
            keys = store.cache_keys() if keys is None else keys
            fresh = [p for p in stats if keys.get(p) == (*stats[p], contexts[p][0])]
            if len(fresh) == len(stats) and last and _unchanged(last, fingerprint, out, exports):
                report.cached, report.written = len(fresh), False
                report.unreadable, report.drifted = last.unreadable, last.drifted
                return report
            fresh_set = set(fresh)
            to_read = [p for p in stats if p not in fresh_set and p not in config_errors]
            if early is not None and early.items is None and early.fits(to_read):  # a re-sync's processes
                # started on what changed by size and time (``_Early.changed``): the plans handed over as soon as
                # known, before this process imports what it lays the roll-up out with
                early.hand([(p, contexts[p][1]) for p in to_read], (today, configs, by_blocks))
            # Before the reading starts: a re-sync's few plans are read by a forked copy of this process, which then
            # has these already (a first sync's plans were handed over before: ``_Early.hand``).
            from . import details, excel, summary
            from .changes import compare, state_of
            from .details import Details, Read
            from .tables import build_rollup

            rows = Details() if by_blocks else None
            ids: dict[str, bytes] = {}  # plan -> its stored light summary's digest (``xlsx_blocks.keyed_rows``)
            made: dict[str, PlanState] = {}  # plan -> its state, for the plans read (``_states``)

            def arrived(p: str, r: Read) -> Read:
                """A plan read: its rows' text put aside (``rows.xml``), its stored forms staged in the history (a
                plan whose file could not be stat'ed, or a Drive plan that could not be read, is not cached) and
                its state made, with the row the history will keep of it (while the others are read, not after the
                last); the main process keeps only the summary the roll-up needs. Called once the history's last
                states are loaded (``wait``)."""
                if rows is not None and r.texts is not None:
                    rows.add(p, r.texts, r.kept)
                if stats[p] != (-1, -1) and not (p in by_key and r.summary["error"]):
                    store.stage([CacheEntry(p, *stats[p], contexts[p][0], r.blob, r.light, r.index)])
                if r.light is not None:
                    ids[p] = _light_id(r.light)
                if not r.summary["error"]:
                    made[p] = state = state_of(r.summary, previous.get(p) if previous else None, r.milestones)
                    store.prepare((state,))  # its row in the history made now too, not after the last plan
                return Read(r.summary, b"")

            reading = start_reading([(p, contexts[p][1]) for p in to_read if p not in by_key], configs, today, jobs,
                                    progress, render=by_blocks, arrived=arrived, early=early)
            try:  # while the plans are read: what does not need them
                if by_blocks:
                    _writer_modules()
                previous = store.last_states() if last else None
                # A plan not read again keeps the state the last sync recorded from the same summary (its cached
                # summary then needs no milestones); not a Drive plan, which may be cached before a sync ends.
                same = ({p for p, s in (previous or {}).items() if s.readable and p not in by_key}
                        if rows is not None else set())
                summaries, upgraded = _cached(store, fresh, rows, same, ids)
                kept = store.blocks() if rows is not None else None  # the blocks of rows the last roll-up was made of
            except BaseException:
                reading.close()
                raise
            same = same & summaries.keys() - upgraded.keys()  # taken light from the history
            summaries |= {p: {"path": p, "error": message} for p, message in config_errors.items()}
            read = reading.wait()
            if files:
                def checkpoint(done):  # cached as they come: an interrupted sync resumes without reading them again
                    store.cache([CacheEntry(f.ref.key, *stats[f.ref.key], contexts[f.ref.key][0], summary.dumps(s))
                                 for f, s in done])

                found = drive.read_files(client, [by_key[p] for p in to_read if p in by_key], strategy=strategy,
                                         today=today, config=configs[drive_context[1]], jobs=jobs, progress=progress,
                                         checkpoint=checkpoint, time_limit=time_limit)
                read.update((p, arrived(p, details.read(s, by_blocks))) for p, s in found.items())
            new = {p: r.summary for p, r in read.items()}
            summaries.update(new)
            report.read, report.cached = len(new), len(fresh)
            ordered = [summaries[k] for k in order]
            states = _states(ordered, previous or {}, same, made)
            unreadable = {s["path"] for s in ordered if s["error"]}
            changes = compare(previous, {p: s for p, s in states.items() if s.readable}, unreadable) \
                if previous is not None else None
            layout = dict(pushes={p: s.pushes for p, s in states.items()}, changes=changes, today=today,
                          out_dir=Path.cwd() if to_google else out.parent, last_sync_at=last.at if last else None)
            blocks, staged = None, None  # staged: the roll-up by blocks, written beside ``out`` and being flushed
            try:
                if rows is not None:
                    try:
                        blocks, report.rows, staged = _write_by_blocks(
                            out, rows, ordered, store, read, layout, writer, kept, ids,
                            meanwhile=lambda: store.prepare(states.values()))
                    finally:
                        rows.xml.close()
                    upgraded.update(rows.rerendered)
                else:
                    rollup = build_rollup(ordered, **layout)
                    if to_google:
                        report.google = out.write(rollup)
                    else:
                        excel.write_rollup(rollup, out, writer)
                    for fmt, folder in exports.items():
                        report.exports += export.export(rollup, folder, fmt)
                    report.rows = {t.sheet: len(t.rows) for t in rollup.tables}
                report.unreadable = len(unreadable)
                report.drifted = sum(1 for s in ordered if summary.needs_attention(s))
                report.renamed = sum(1 for s in ordered if summary.has_synonyms(s))
                cache = [CacheEntry(p, *stats[p], contexts[p][0], r.blob, r.light, r.index)
                         for p, r in upgraded.items()]
                # The history's statements made while the roll-up is flushed to disk; committed once it is in place (a
                # roll-up that cannot be put there leaves the history as it was).
                rollup_stat = report.google.stat if to_google else \
                    (staged.stat.st_size, staged.stat.st_mtime_ns) if staged is not None else None
                store.record(today=today, version=__version__, fingerprint=fingerprint,
                             rollup=out if not to_google else None, rollup_stat=rollup_stat, states=states.values(),
                             cache=cache, forget=[p for p in keys if p not in stats], unreadable=report.unreadable,
                             drifted=report.drifted, blocks=blocks, before_commit=staged and staged.replace)
            finally:
                if staged is not None:
                    staged.discard()
            if hold is not None:
                hold.append((summaries, ordered, read, rows, kept, ids, made, previous, states, changes, layout,
                             upgraded))
        return report
    finally:
        if early is not None:
            early.close()
        if opened is not None:
            opened.close()


def _by_blocks(to_google: bool, exports: dict, writer: str) -> bool:
    """Whether the roll-up is written by blocks of rows kept between syncs (xlsx_blocks): a workbook by the
    Rust writer, without exports (which need every row as values: then everything is laid out afresh). Asked
    of the installed packages, not by importing the writer (``_writer_modules``), which can then be loaded
    while plans are read."""
    if to_google or exports or writer != "rust":
        return False
    from importlib.util import find_spec

    try:
        return all(find_spec(name) is not None for name in ("rustpy_xlsxwriter", "xlsxwriter"))
    except (ImportError, ValueError):  # a module set to None in sys.modules: it cannot be imported
        return False


def _writer_modules() -> None:
    """Load the writer by blocks (its modules and rustpy-xlsxwriter's), if it loads: ``_write_by_blocks`` says
    what happens when it does not. XlsxWriter too (``xlsx``), which only the skeleton maker uses (its charts:
    ``xlsx_rust._chart_parts``) but which is loaded here, while the plans are read, for it to inherit: left to the
    skeleton maker, it took this process about 85M instructions less (0.025 s) and the skeleton maker 72M more,
    where it had about 0.014 s to spare beside this process's ordering of the rows (10 plans of 1,000 edited:
    the re-sync took no less; benchmarks/resync_instructions.sh and each process's CPU time)."""
    try:
        from . import xlsx, xlsx_blocks, xlsx_rust  # noqa: F401
    except ImportError:
        pass


def _cached(store: History, fresh: list[str], rows: Details | None, same: set[str],
            ids: dict[str, bytes]) -> tuple[dict[str, dict], dict[str, Read]]:
    """The summaries of the plans not read again; for a roll-up by blocks, light ones for the plans in ``same``
    (whose last state stands), their detail rows added to ``rows`` from their stored indexes (``_add_indexes``),
    else whole ones with their rows rendered here (a plan cached by an older mapsheet, or from Drive: second
    value, to store); and their stored light summaries' digests into ``ids``."""
    from . import details, summary

    if rows is None:
        return {p: summary.loads(b) for p, b in store.cached_summaries(fresh).items()}, {}
    summaries, upgraded, indexes = {}, {}, {}
    for p, (light, index) in store.cached_light(p for p in fresh if p in same).items():
        try:
            summaries[p] = summary.loads(light)
        except ValueError:  # one that does not load (refused: summary.loads): made again of its whole summary below
            continue
        indexes[p] = index
        ids[p] = _light_id(light)
    _add_indexes(rows, indexes, store)
    missing = [p for p in fresh if p not in summaries]
    for p, blob in store.cached_summaries(missing).items():
        r = details.read(summary.loads(blob), render=True)
        summaries[p] = r.summary
        rows.add(p, r.texts, r.kept)
        upgraded[p] = r._replace(texts=None)
        ids[p] = _light_id(r.light)
    return summaries, upgraded


def _light_id(light: bytes) -> bytes:
    return blake2b(light, digest_size=8).digest()


def _add_indexes(rows: Details, indexes: dict[str, bytes], store: History) -> None:
    """The detail rows of plans taken light from the history, from their stored indexes (about 0.02 s for 1,000
    plans, while the changed plans are read). A plan whose index is of another kind (kept by a development
    version) has its rows rendered again from its whole summary (``rows.rerendered``, to store)."""
    stale = []
    for p, index in indexes.items():
        try:
            rows.add_index(p, index)
        except ValueError:
            stale.append(p)
    rows.rerender(stale, store)


def _write_by_blocks(out: Path, rows: Details, ordered: list[dict], store: History, read: dict[str, Read],
                     layout: dict, writer: str | None, kept: tuple[dict[bytes, tuple], str, bytes],
                     ids: dict[str, bytes], meanwhile: Callable[[], None] | None = None):
    """Write the roll-up of the plans ``ordered`` (laid out by ``tables.build_rollup`` with ``layout``) by blocks:
    its blocks to keep (or None), the rows of each sheet, and the roll-up written beside ``out`` (``Staged``: the
    caller puts it in place), or None when it was written in place. A roll-up the
    blocks cannot make (a detail sheet past Excel's rows, a part past 4 GB, the Rust writer's package not as
    expected; a writer that does not load) is laid out afresh from every plan's whole summary and written by
    ``excel.write_rollup`` (with the ``writer`` asked for when the Rust writer does not load). ``kept``: the
    blocks of the last roll-up (``History.blocks``); ``ids``: the plans' stored light summaries' digests (the
    Deals rows' keys, ``xlsx_blocks.keyed_rows``); ``meanwhile``: what else to do while the roll-up's skeleton
    is made apart."""
    from . import excel, summary
    from .tables import build_rollup, deal_order, deals

    try:
        from . import xlsx_blocks
    except ImportError:  # installed, yet it does not load: the writer chosen lays out every sheet afresh
        xlsx_blocks = None
    # The skeleton made apart while the rows are ordered, but in a sync that read many thousands of plans: it holds
    # their summaries and rows, which both processes would touch and so copy (10,000 plans: 290 MB for the two,
    # against 212 MB for the sync made in one; 1,000 plans read: about 8 MB more, for 0.07 s less).
    # Without the Deals sheet's rows either, which the skeleton leaves out (``xlsx_blocks.KEYED``): their rows and
    # links are this process's (``keyed_rows``, ``keyed_links``).
    make = partial(build_rollup, ordered, details=False, deal_rows=False, **layout)
    skeleton = xlsx_blocks.Skeleton(make, apart=len(read) <= APART) if xlsx_blocks else None
    try:
        plans = deal_order(ordered)
        order = rows.order(plans)
        if skeleton and max(map(len, order.values())) <= excel.EXCEL_MAX_ROWS - excel.HEADER_ROWS:
            table = deals(plans, layout["pushes"], layout["today"], layout["out_dir"])
            kept, styles, known = {k: xlsx_blocks.Block(*v) for k, v in kept[0].items()}, kept[1], kept[2]
            order[xlsx_blocks.KEYED] = xlsx_blocks.keyed_rows(table, plans, ids, known, rows.xml)
            links = xlsx_blocks.keyed_links(table)
            try:
                written = xlsx_blocks.write_rollup(skeleton, out, order, rows.xml, kept, styles, links, meanwhile)
            except xlsx_blocks.Missing:  # a row in no kept block (the last roll-up was not written by blocks)
                rows.rerender([s["path"] for s in plans if s["path"] not in read], store)
                order[xlsx_blocks.KEYED] = xlsx_blocks.keyed_rows(table, plans, ids, b"", rows.xml)
                written = xlsx_blocks.write_rollup(skeleton, out, order, rows.xml, {}, "", links)
            if written is not None:
                return ((written.blocks, written.styles, b"".join(order[xlsx_blocks.KEYED])),
                        skeleton.rows | {sheet: len(o) for sheet, o in order.items()}, written.file)
    finally:
        if skeleton:
            skeleton.close()
    whole = {p: summary.loads(b) for p, b in store.staged_summaries(read).items()}  # read in this sync
    cached = store.cached_summaries([s["path"] for s in ordered if s["path"] not in whole])  # the others
    whole |= {p: summary.loads(b) for p, b in cached.items()}
    full = build_rollup([whole.get(s["path"], s) for s in ordered], **layout)
    excel.write_rollup(full, out, "rust" if xlsx_blocks else writer)
    return None, {t.sheet: len(t.rows) for t in full.tables}, None


#: Plans read in this sync up to which its roll-up's skeleton is made apart (``_write_by_blocks``).
APART = 2_000


def _fixed_context(today: dt.date, config: str | Path | None, configs: dict[str, Config]) -> tuple[str, str]:
    """The context of plans with no folder of their own (Drive): the configuration given, else the defaults."""
    cfg = load_config(Path(config)) if config else Config.default()
    key = _hash([cfg.source, cfg.raw])
    configs[key] = cfg
    return _hash([key, today.isoformat(), __version__]), key


def _contexts(paths: list[str], today: dt.date, config: str | Path | None):
    """The configuration of every plan (the one given, or the one found beside it) and the context key a
    cached summary must match: reference date, configuration, mapsheet version. A configuration file that
    cannot be used makes the plans it governs Problems (third value: path -> message), not the sync's end.
    The packaged defaults (plans without a project file) are keyed by their text and left None: they are parsed
    only when plans are read (``_parsed``: as they are handed to reading processes, or where they are read), so a
    re-sync that reads nothing neither imports the TOML reader nor parses them (about 8 ms, measured: a fifteenth
    of a re-sync that finds nothing changed)."""
    fixed = load_config(Path(config)) if config else None
    # By folder, as text: a Path made per plan to ask for its folder cost more than everything else done here.
    by_folder: dict[str, tuple[str, str]] = {}  # folder -> (context hash, config key), worked out once
    configs: dict[str, Config | None] = {}
    contexts: dict[str, tuple[str, str]] = {}  # path -> (context hash, config key)
    errors: dict[str, str] = {}  # folder -> what is wrong with its configuration
    for ref in paths:
        folder = os.path.dirname(ref)
        if folder in errors:
            continue
        context = by_folder.get(folder)
        if context is None:
            try:
                cfg = fixed or _project_config(folder)
            except MapsheetError as exc:
                errors[folder] = f"its settings cannot be used: {exc}"
                continue
            key = _hash([cfg.source, cfg.raw] if cfg is not None else ["defaults", defaults_text()])
            configs[key] = cfg
            # Python's version too: a plan's light summary is stored by marshal, whose format is Python's (summary.py)
            context = by_folder[folder] = (_hash([key, today.isoformat(), __version__, sys.version_info[:2]]), key)
        contexts[ref] = context
    broken = {ref: errors[os.path.dirname(ref)] for ref in paths if os.path.dirname(ref) in errors} if errors else {}
    for p in broken:  # never cached, never read; a stable key keeps the fingerprint honest
        contexts[p] = (_hash([broken[p], today.isoformat(), __version__]), "")
    return configs, contexts, broken


def _project_config(folder: str) -> Config | None:
    """The configuration of the project file found for plans in ``folder`` (``load_config``), or None: the packaged
    defaults."""
    path = find_project_file(Path(folder))
    return load_config(path) if path is not None else None


def _hash(value: object) -> str:
    return sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()[:32]


def _stat(path: str) -> tuple[int, int]:
    try:
        st = os.stat(path)
    except OSError:
        return (-1, -1)  # gone since the listing: the reader says so, and it is never cached
    return (st.st_size, st.st_mtime_ns)


def _fingerprint(stats: dict, contexts: dict, out: Path, exports: dict[str, Path], writer: str) -> str:
    return _hash([sorted((p, *s, contexts[p][0]) for p, s in stats.items()), str(out),
                  {k: str(v) for k, v in exports.items()}, writer])


def _is_google(out) -> bool:
    """Whether the roll-up goes to a Google Sheet (a ``gsheet.GoogleRollup``), told without importing the Google
    writer for a workbook: a GoogleRollup exists only once its module has been imported."""
    gsheet = sys.modules.get(f"{__package__}.gsheet")
    return gsheet is not None and isinstance(out, gsheet.GoogleRollup)


def _unchanged(last, fingerprint: str, out, exports: dict[str, Path]) -> bool:
    if last.fingerprint != fingerprint:
        return False
    if _is_google(out):
        stat = out.stat()  # its Drive version after mapsheet's own write: any other edit moves it
    elif not out.exists():
        return False
    else:
        stat = (out.stat().st_size, out.stat().st_mtime_ns)
    if stat != (last.rollup_size, last.rollup_mtime_ns):
        return False  # someone replaced or edited the roll-up: write it again
    return all(any(folder.glob(f"*.{fmt}")) for fmt, folder in exports.items())


def _states(ordered: list[dict], previous: dict[str, PlanState], same: set[str],
            made: dict[str, PlanState]) -> dict[str, PlanState]:
    """This sync's snapshot: read plans as they are (``made``, as they arrived: ``changes.state_of`` of each);
    unreadable ones keep their last good state, marked; those in ``same`` (cached since the last sync) the state
    it recorded; other cached ones (whose last state does not stand) a state made from their summary here."""
    from .changes import state_of

    states = {}
    for s in ordered:
        path = s["path"]
        if s["error"]:
            if path in previous:
                states[path] = previous[path]._replace(readable=False)
        elif path in same:
            states[path] = previous[path]
        else:
            state = made.get(path)
            states[path] = state if state is not None else state_of(s, previous.get(path))
    return states


# -- reading in parallel --------------------------------------------------------------------------------------

_WORKER: dict = {}


def _init_worker(today: dt.date, configs: dict[str, Config | None], render: bool = False) -> None:
    """What reading plans needs, set where they are read: ``configs`` by key (None: the packaged defaults, made
    here: ``_contexts``)."""
    _WORKER.update(today=today, configs=_parsed(configs), render=render)


def _parsed(configs: dict[str, Config | None]) -> dict[str, Config]:
    """``configs`` with the packaged defaults (None: ``_contexts``) parsed."""
    return {key: Config.default() if cfg is None else cfg for key, cfg in configs.items()}


def _init_pool_worker(today: dt.date, configs: dict[str, Config | None], render: bool) -> None:
    _init_worker(today, configs, render)
    budget.keep_handler()  # a process that only reads plans: each plan then only arms the timer
    budget.limit_memory(max((c.raw["limits"]["plan_memory_mb"] for c in _WORKER["configs"].values()), default=0)
                        or 1 << 20)


def _loaded_worker() -> None:
    """A pool's start (``_pool``: in the first process, which forks the others, or in each): the checker loaded, and
    frozen out of the cyclic collector as a sync's main process freezes what it holds (``_fewer_collections``)."""
    import gc

    _load_checker()
    gc.freeze()


def _read_setup_chunk(setup: tuple, chunk: list[tuple[str, str]]) -> list[Read]:
    """``_read_chunk`` in a pool's process (``_pool``): ``setup`` is a key of its own, then ``_init_pool_worker``'s
    arguments, which the process applies at the first chunk with that key."""
    if _WORKER.get("setup") != setup[0]:
        _init_pool_worker(*setup[1:])
        _WORKER["setup"] = setup[0]
    return _read_chunk(chunk)


def _read_chunk(chunk: list[tuple[str, str]]) -> list[Read]:
    """Summaries, each with its stored form made here (in the worker), so the main process only writes it."""
    from . import details

    return [details.read(_read_one(path, _WORKER["configs"][key]), _WORKER["render"]) for path, key in chunk]


def _read_one(path: str, config: Config) -> dict:
    from . import summary

    try:
        with budget.time_budget(config.raw["limits"]["plan_seconds"]):
            return summary.summarize(path, _WORKER["today"], config)
    except budget.OverBudget as exc:  # the timer went off between the plan's end and the timer's
        return {"path": path, "error": str(exc)}


#: Fewer changed plans than this are not read by a pool of processes: starting one costs about 0.15 s (measured,
#: 2 cores), more than reading this many plans (about 2.5-5 ms each). They are read in one forked process while
#: the main process does what does not need them (``start_reading``), or here when it cannot fork.
IN_PROCESS = 32


def read_plans(items: list[tuple[str, str]], configs: dict[str, Config], today: dt.date, jobs: int | None,
               progress: Progress | None = None, render: bool = False,
               arrived: Callable[[str, Read], Read] | None = None) -> dict[str, Read]:
    """Summaries of the plans ``items`` ((path, config key)), read on ``jobs`` processes (default: all cores),
    each with its stored form (``summary.dumps``); ``render``: light summaries, with their detail rows
    rendered (``details.read``). ``arrived`` is given each plan's as it arrives, and what it returns is kept."""
    return start_reading(items, configs, today, jobs, progress, render, arrived).wait()


def start_reading(items: list[tuple[str, str]], configs: dict[str, Config], today: dt.date, jobs: int | None,
                  progress: Progress | None = None, render: bool = False,
                  arrived: Callable[[str, Read], Read] | None = None, early: "_Early | None" = None) -> "_Reading":
    """``read_plans``, started: its ``wait()`` gives what ``read_plans`` gives. A few plans (fewer than
    ``IN_PROCESS``) are read meanwhile in one forked process, more by a pool of processes started here (or
    ``early``, already started), so the caller's work until ``wait`` (loading the writer; a re-sync its cached
    summaries) overlaps their reading; ``arrived`` is called in ``wait``."""
    jobs = max(1, jobs or os.cpu_count() or 1)
    initargs = (today, configs, render)
    if early is not None and early.items is None and not early.fits(items):  # fewer to read than it was started
        early.close()  # for (or, a re-sync's single process, many more): not what they need
        early = None
    if early is not None:  # the plans it was handed (``_Early.hand``), else these
        items = early.read(items, initargs)
    reading = _Reading(items, configs, today, jobs, progress, render, arrived)
    if early is not None:
        reading.pool = early.pool
    elif 0 < len(items) < IN_PROCESS and jobs > 1:
        from . import forked

        reading.child = forked.start(lambda put: _read_forked(items, initargs, put))
    elif len(items) >= IN_PROCESS and jobs > 1:
        reading.pool = _start_pool(_chunks(items, jobs), jobs, initargs)
    return reading


def _load_checker() -> None:
    """The checker, its rules and what a reading process makes of a plan, loaded (imported and registered); the
    workbook reader too (python-calamine, the quick pass and the image), which a plan's first reading would load in
    each process: loaded here, once, before a pool's first process forks the others (``forkpool``)."""
    from importlib import import_module

    from ..rules.registry import all_rules

    for module in ("..api", ".details", ".summary", ".xlsx_rows", "..backends.xlsx_read"):
        import_module(module, __package__)
    all_rules()


class _Early:
    """Reading processes started before a sync knows what it will read: when it has no history yet, every plan
    will be, and processes started as soon as the plans are listed load the checker (``_load_checker``) on the core
    this process leaves free while it works out the plans' settings and opens the history, instead of this
    process loading it first and starting them after (about 0.05 s of a full sync of 1,000 plans). Each chunk
    of plans is handed over with what ``_init_pool_worker`` is given, applied once in each process: as soon as
    the plans' settings are known (``hand``), before the sync makes its history."""

    @classmethod
    def when(cls, plans: int, history: Path, jobs: int | None) -> "_Early | None":
        """Processes started for a sync of ``plans`` local plans (0: some are in Drive) on ``jobs`` processes, if it
        has no ``history`` yet and will read them in a pool (``start_reading``)."""
        jobs = max(1, jobs or os.cpu_count() or 1)
        return cls(jobs) if plans >= IN_PROCESS and jobs > 1 and not history.exists() else None

    @classmethod
    def changed(cls, stats: dict[str, tuple[int, int]], keys: dict[str, tuple[int, int, str]],
                jobs: int | None) -> "_Early | None":
        """Processes started for a re-sync as soon as its plans are listed and ``stat``\\ ed (``stats``), if some
        changed by size or time (or are new) against the history's ``keys`` (``History.cache_keys``): they load the
        checker while this process works out the plans' settings (started about 0.04 s of this process's CPU
        earlier than ``start_reading`` would: a re-sync of 10 edited plans of 1,000 then has them read about
        0.02 s of its CPU before it comes to wait for them, where it came to them as they were done, or waited),
        and are handed the plans to read (those whose settings changed too) once known. As ``start_reading``
        would: one process for fewer than ``IN_PROCESS`` plans (here a ``ForkPool`` of one, which can be handed
        its plans after it started: two read 10 plans with 36M instructions more in all, on the cores this
        process needs), a pool for more; none where this process cannot fork (then it reads a few plans itself),
        on one core, or when nothing changed (a no-change re-sync forks nothing)."""
        jobs = max(1, jobs or os.cpu_count() or 1)
        changed = 0
        for p, stat in stats.items():
            key = keys.get(p)
            if key is None or key[0] != stat[0] or key[1] != stat[1]:
                changed += 1
        if not changed or jobs == 1:
            return None
        from . import forked  # not before: a re-sync that finds nothing changed imports nothing more

        return cls(1 if changed < IN_PROCESS else jobs) if forked.can_fork() else None

    def __init__(self, jobs: int):
        self.jobs = jobs
        self.pool = _pool(jobs)
        self.items: list[tuple[str, str]] | None = None  # the plans handed over
        self.taken = False  # whether the reading of them was taken on (``read``): ``collect`` ends the processes

    def fits(self, items: list) -> bool:
        """Whether these processes read ``items`` as ``start_reading`` would have them read: a pool of several
        for ``IN_PROCESS`` plans or more, one process for fewer (none for none)."""
        return bool(items) and (len(items) < IN_PROCESS) == (self.jobs == 1)

    def hand(self, items: list[tuple[str, str]], initargs: tuple) -> None:
        """Hand the processes ``items`` ((path, config key)) to read, each process applying ``initargs``
        (``_init_pool_worker``'s) first; ``collect`` then takes what they read. A re-sync's single process parses
        the packaged defaults itself (``_handed``)."""
        self.pool = _handed(self.pool, _chunks(items, self.jobs), initargs, parse=self.jobs > 1)
        self.items = items

    def read(self, items: list[tuple[str, str]], initargs: tuple) -> list[tuple[str, str]]:
        """The plans the processes read: those handed over already, else ``items``, handed now. (Handed
        already, they are every plan but those whose settings failed, as ``items`` are; unless another sync
        made the history meanwhile: then the plans it cached are read again, which changes nothing.)"""
        if self.items is None:
            self.hand(items, initargs)
        self.taken = True
        return self.items

    def close(self) -> None:
        """Stop the processes, unless their reading was taken on (``collect`` ends them then)."""
        if not self.taken:
            self.pool.close()


class _Reading:
    """Plans being read (``start_reading``)."""

    def __init__(self, items, configs, today, jobs, progress, render, arrived):
        self.items, self.configs, self.today, self.jobs, self.render = items, configs, today, jobs, render
        self.report = progress or (lambda done, total: None)
        self.results = _Results(arrived)
        self.child = None  # the forked process reading them (forked.Forked)
        self.pool = None  # or the processes reading them (``_start_pool``)

    def close(self) -> None:
        """Stop reading (the caller failed before ``wait``)."""
        if self.child is not None:
            self.child.close()
        if self.pool is not None:
            self.pool.close()

    def wait(self) -> dict[str, Read]:
        items, results, report = self.items, self.results, self.report
        report(0, len(items))
        if self.child is not None:
            for r in self.child.results():
                results.add(r)
                report(len(results), len(items))
            return self._crashed([item for item in items if item[0] not in results])
        if self.pool is not None:
            chunks = self.pool.collect(results, report, len(items))
            return self._crashed([item for chunk in chunks for item in chunk])
        _init_worker(self.today, self.configs, self.render)
        for path, key in items:
            results.add(_read_chunk([(path, key)]))
            report(len(results), len(items))
        return results

    def _crashed(self, left: list[tuple[str, str]]) -> dict[str, Read]:
        """The results, with the plans ``left`` by a reading process that died (a crash inside a reader
        library takes the plans in flight with it, and a broken pool every plan not yet read) read again: one
        plan a task while that makes progress, then each in a process of its own, so only a plan that crashes
        its reader alone is reported."""
        from . import details

        initargs, total = (self.today, self.configs, self.render), len(self.items)
        while len(left) > 1:  # one plan a task on all the processes, while that reads some of them
            again = [item for chunk in _run_pool([[item] for item in left], self.jobs, initargs, self.results,
                                                 self.report, total) for item in chunk]
            if len(again) == len(left):
                break
            left = again
        dead = [item for item in left if _run_pool([[item]], 1, initargs, self.results, self.report, total)]
        self.results.add([details.read({"path": path, "error": "the reader crashed on this plan (its process died); "
                                                               "open and save it again in Excel, or report it"},
                                       self.render) for path, _ in dead])
        return self.results


def _read_forked(items: list[tuple[str, str]], initargs: tuple, put) -> None:
    """The forked reading process (``start_reading``): each plan's ``Read`` put as it is read."""
    _init_pool_worker(*initargs)
    for item in items:
        put(_read_chunk([item]))


def _chunks(items: list, jobs: int) -> list[list]:
    """``items`` cut into chunks for ``jobs`` processes: at most 16 plans a chunk (fewer round trips), smaller
    towards the end (a share of what is left), so the processes finish together rather than one waiting
    while another reads its last 16 plans."""
    chunks, at = [], 0
    while at < len(items):
        size = max(1, min(16, (len(items) - at) // (jobs * 4)))
        chunks.append(items[at:at + size])
        at += size
    return chunks


class _Results(dict):
    """The plans read so far by path, each as ``arrived`` made it."""

    def __init__(self, arrived: Callable[[str, Read], Read] | None):
        super().__init__()
        self.arrived = arrived or (lambda path, r: r)

    def add(self, reads: list[Read]) -> None:
        for r in reads:
            self[r.summary["path"]] = self.arrived(r.summary["path"], r)


def _run_pool(chunks, jobs, initargs, results, report, total) -> list[list[tuple[str, str]]]:
    return _start_pool(chunks, jobs, initargs).collect(results, report, total)


def _start_pool(chunks: list[list], jobs: int, initargs: tuple) -> "ForkPool | _Futures":
    """Processes started on reading ``chunks`` (``collect`` takes what they read): started before the main
    process goes on with what does not need the plans (a full sync loads the writer meanwhile)."""
    return _handed(_pool(min(jobs, len(chunks))), chunks, initargs)


def _handed(pool: "ForkPool | _Futures", chunks: list[list], initargs: tuple,
            parse: bool = True) -> "ForkPool | _Futures":
    """``pool`` reading ``chunks``, each process applying ``initargs`` (``_init_pool_worker``'s) at its first chunk
    (``_read_setup_chunk``, under a key of this hand-over's own). The settings are handed over parsed (``parse``):
    once here, while the first process still loads the checker (a sync that reads many plans, which this process
    waits for, with time to spare then), not by each process on its way to its first plan; else the process parses
    them (a re-sync's single reading process, which is done with a few plans before this process has loaded the
    cached ones: the TOML reader is then never loaded here, about 7 ms)."""
    today, configs, render = initargs
    pool.submit(_read_setup_chunk, ((os.urandom(8), today, _parsed(configs) if parse else configs, render),), chunks)
    return pool


def _pool(jobs: int) -> "ForkPool | _Futures":
    """``jobs`` reading processes, started now: forked from this one where it can fork (``forkpool``: the first
    loads the checker and forks the others), else a ``concurrent.futures`` pool whose processes each load it."""
    from . import forked

    if forked.can_fork():
        from .forkpool import ForkPool

        return ForkPool(jobs, _loaded_worker)
    return _Futures(jobs)


class _Futures:
    """A ``concurrent.futures`` process pool, where this process cannot fork (Windows, macOS), as ``ForkPool`` is
    used: ``submit``, ``collect``, ``close``."""

    def __init__(self, jobs: int):
        from concurrent.futures import ProcessPoolExecutor

        self.pool = ProcessPoolExecutor(max_workers=jobs, initializer=_loaded_worker)
        self.pool.submit(int)  # the processes start at a pool's first task
        self.futures: dict = {}  # each future with its chunk

    def submit(self, read: Callable, first: tuple, chunks: list[list]) -> None:
        """``read(*first, chunk)`` of each chunk, in the processes; the pool stopped if that fails."""
        try:
            self.futures = {self.pool.submit(read, *first, chunk): chunk for chunk in chunks}
        except BaseException:
            self.close()
            raise

    def collect(self, results, report, total) -> list[list[tuple[str, str]]]:
        """What the processes read, into ``results`` as it comes; the chunks of a process that died."""
        from concurrent.futures import as_completed
        from concurrent.futures.process import BrokenProcessPool

        crashed, futures = [], self.futures
        try:
            for future in as_completed(futures):
                chunk = futures.pop(future)  # a future keeps its result (every row's text): let it go with it
                try:
                    results.add(future.result())
                except BrokenProcessPool:
                    crashed.append(chunk)
                    continue
                report(len(results), total)
        except BaseException:
            self.close()
            raise
        # Every chunk is in: the processes end while the sync goes on (the pool's own thread waits for them), not
        # before it (about 10 ms each time here).
        self.pool.shutdown(wait=False)
        return crashed

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
