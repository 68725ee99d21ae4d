"""Run mapsheet's commands on one corpus file and say what went wrong, as a user would see it.

``run_case`` runs, through the real CLI: ``check``, ``check --format json``, ``clean --output`` of the
file as it arrives, ``check --annotate --output`` on a copy, the same again on the annotated copy, ``clean``
of the annotated copy and ``check`` of the annotated copy, and returns the outcome (``ok``: annotated; ``refused``: annotate said why in a sentence
and wrote nothing; ``problem``: the file cannot be read as a plan, said in a sentence) with the list of
broken promises (empty when mapsheet behaved). The families x outcomes table of the corpus comes from it:

    python -m tests.corpus.harness OUT   # build the corpus in OUT, run every case, print the table
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from cli.runner import run_cli
from mapsheet.edits import CHECK_SHEET, STATE_SHEET
from mapsheet.errors import display_path

from .generate import TODAY, Case, build

#: Seconds one command may take on one file (the 20,000-row plan is the slowest, far below it).
BUDGET = 90
#: Families whose check runs in a child process capped at this much memory (MB): the bombs and giants.
CAPPED = {"huge": 2048, "zip-bomb": 2048, "xml-bomb": 2048}
OWN_SHEETS = (CHECK_SHEET, STATE_SHEET)
#: What a terminal acts on (ESC, BEL, C1, bidi overrides); mapsheet prints them escaped (\x1b), never raw.
_RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@dataclass
class Outcome:
    case: Case
    outcome: str = "problem"  # ok | refused | problem
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0  # the slowest command on this file
    total: float = 0.0  # every command on this file together
    message: str = ""


def _cli(args: list[str], out: Outcome, what: str) -> tuple[int, str, str]:
    """Run the CLI in this process: (exit code, all it printed, what it printed on stdout)."""
    started = time.monotonic()
    result = run_cli(args)
    took = time.monotonic() - started
    out.seconds, out.total = max(out.seconds, took), out.total + took
    text = result.stdout + result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        out.failures.append(f"{what}: {type(result.exception).__name__}: {result.exception}")
    if "Traceback" in text:
        out.failures.append(f"{what}: printed a traceback")
    raw = _RAW_CONTROL.search(text)
    if raw:  # an escape from a plan's cell or file name would reach the reader's terminal
        out.failures.append(f"{what}: printed the raw control character {raw.group()!r}")
    if result.exit_code not in (0, 1, 2):
        out.failures.append(f"{what}: exit code {result.exit_code}")
    if took > BUDGET:
        out.failures.append(f"{what}: took {took:.0f} s (budget {BUDGET} s)")
    return result.exit_code, text, result.stdout


def _capped_check(path: Path, megabytes: int, out: Outcome) -> None:
    """``check`` in a child process that may use at most ``megabytes``: a bomb must be refused, not survived."""
    code = (f"import resource; resource.setrlimit(resource.RLIMIT_AS, ({megabytes << 20}, {megabytes << 20})); "
            "import sys; from mapsheet.cli import main; sys.argv = ['mapsheet'] + sys.argv[1:]; sys.exit(main())")
    started = time.monotonic()
    try:
        proc = subprocess.run([sys.executable, "-c", code, "check", os.fsencode(path), "--today", TODAY.isoformat()],
                              capture_output=True, timeout=BUDGET)
    except subprocess.TimeoutExpired:
        out.failures.append(f"check (capped at {megabytes} MB): still running after {BUDGET} s")
        return
    took = time.monotonic() - started
    out.seconds, out.total = max(out.seconds, took), out.total + took
    if proc.returncode not in (0, 1, 2) or b"Traceback" in proc.stderr:
        out.failures.append(f"check (capped at {megabytes} MB): exit {proc.returncode}: "
                            f"{proc.stderr.decode(errors='replace')[-300:]}")


def _names_file(text: str, path: Path) -> bool:
    """Whether ``text`` names ``path``, however its control characters were escaped or its lines wrapped."""
    def letters(s: str) -> str:
        return re.sub(r"[^A-Za-z0-9]", "", s)
    unescaped = re.sub(r"\\(x[0-9a-f]{2}|u[0-9a-f]{4}|[ntr])", "", text)  # a terminal sees \x1b, \n
    key = letters(display_path(path.name))[:40]
    return key in letters(text) or key in letters(unescaped)


def _json(args: list[str], out: Outcome, what: str) -> dict | None:
    _, _, stdout = _cli([*args, "--format", "json"], out, what)
    try:
        return json.loads(stdout)
    except json.JSONDecodeError as exc:
        out.failures.append(f"{what}: the output is not JSON ({exc}): {stdout[:200]!r}")
        return None


def user_view(path: Path) -> dict:
    """What a user's spreadsheet shows and keeps, mapsheet's own tabs aside: every sheet's values as calamine
    reads them (cached formula results included), openpyxl's dump (formulas, notes, fills, styles, names,
    macros), the tab list."""
    from mapsheet.backends.xlsx_guard import Limits, inspect
    from mapsheet.backends.xlsx_read import open_calamine
    from workbook_dump import dump_workbook

    # Read as mapsheet reads (a value far below the plan is read at its place, not as a million empty rows)
    book = open_calamine(path, inspect(path, Limits.from_settings(), OWN_SHEETS))
    values = {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False)
              for name in book.sheet_names if name not in OWN_SHEETS}
    return {"values": values, "dump": dump_workbook(path, skip_sheets=OWN_SHEETS)}


def _without_own_marks(view: dict, state_cells: set[tuple[str, str]]) -> dict:
    """``view`` with the notes and fills of the cells mapsheet marked taken out (they are its marks)."""
    dump = json.loads(json.dumps(view["dump"], default=str))
    dump.pop("active", None)  # annotate shows the Plan check; clean shows the user's tab again
    for sheet, ref in state_cells:
        cells = dump.get(sheet, {}).get("cells", {})
        if ref in cells:
            value, style, _note, link = cells[ref]
            if value is None and link is None:
                del cells[ref]  # an empty cell mapsheet coloured: nothing of the user's is in it
                continue
            style[2] = None
            cells[ref] = [value, style, None, link]
    return {"values": view["values"], "dump": dump}


def _state_cells(path: Path) -> set[tuple[str, str]]:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True)
    if STATE_SHEET not in wb.sheetnames:
        return set()
    return {(str(r[0]), str(r[1])) for r in wb[STATE_SHEET].iter_rows(min_row=2, max_col=2, values_only=True)
            if r[0] and r[1]}


def _arrives_annotated(path: Path) -> bool:
    import openpyxl

    try:
        return bool(set(openpyxl.load_workbook(path, read_only=True).sheetnames) & set(OWN_SHEETS))
    except Exception:  # a package openpyxl cannot open: annotate must refuse it, which run_case checks
        return False


def _verdict(doc: dict | None) -> list:
    """What a check said of a plan, with the plan's own file name taken out of the messages (advice such as
    "run `mapsheet import <file>`" names the copy that was checked)."""
    plan = (doc or {}).get("plans", [{}])[0]
    name = Path(str(plan.get("file") or "")).name

    def said(message: str) -> str:
        return message.replace(name, "<plan>") if name else message

    return [plan.get(k) for k in ("score", "grade", "band", "counts", "error")] + \
        [sorted((f["code"], f["sheet"], f["cell"], said(f["message"])) for f in plan.get("findings", []))]


def run_case(case: Case, work: Path) -> Outcome:
    out = Outcome(case)
    path, today = case.path, ["--today", TODAY.isoformat()]
    if case.family in CAPPED:
        _capped_check(path, CAPPED[case.family], out)
    code, text, _ = _cli(["check", os.fsdecode(path), *today], out, "check")
    if not _names_file(text, path):
        out.failures.append(f"check: the output does not name the file: {text[-200:]!r}")
    doc = _json(["check", os.fsdecode(path), *today], out, "check --format json")
    error = doc and next((p.get("error") for p in doc.get("plans", []) if p.get("error")), None)
    # clean of the file as it arrives (to a copy): damaged packages reach openpyxl here; a plan mapsheet
    # annotated before is cleaned into the baseline the annotated copies are compared with
    (work / "baseline").mkdir(parents=True, exist_ok=True)
    cleaned_original = work / "baseline" / path.name
    if not path.is_dir():  # --output takes one plan
        _, said, _ = _cli(["clean", os.fsdecode(path), "--output", os.fsdecode(cleaned_original)], out,
                          "clean of the original")
        if not _names_file(said, path):
            out.failures.append(f"clean of the original: the output does not name the file: {said[-200:]!r}")
    if doc is None or error or code == 2:
        out.message = error or text.strip()[-300:]
        if case.readable:
            out.failures.append(f"a whole plan was not read: {out.message[:200]!r}")
        return out
    if path.is_dir():  # a folder named .xlsx holding a plan: checked above, nothing to annotate
        out.outcome = "ok"
        return out
    baseline = cleaned_original if _arrives_annotated(path) else path  # clean restores it as it was clean
    # Every copy keeps the plan's own file name (in a folder of its own): a message that names the plan's
    # file (advice such as "run `mapsheet import <file>`") then reads the same in the plan annotated once
    # from the original and in the one annotated again from that copy.
    for folder in ("once", "twice", "cleaned"):
        (work / folder).mkdir(parents=True, exist_ok=True)
    copy = work / "once" / path.name
    failed = len(out.failures)
    code, text, _ = _cli(["check", os.fsdecode(path), *today, "--annotate", "--output", str(copy)], out, "annotate")
    if len(out.failures) > failed:
        return out
    if code == 2:
        out.outcome, out.message = "refused", text.strip()[-400:]
        if copy.exists():
            out.failures.append("annotate refused but wrote the copy anyway")
        if not _names_file(text, path):
            out.failures.append(f"annotate refused without naming the file: {text[-200:]!r}")
        return out
    out.outcome = "ok"
    before = user_view(path)
    after = user_view(copy)
    marks = _state_cells(copy)
    if _without_own_marks(after, marks) != _without_own_marks(before, marks):
        out.failures.append("annotate changed the user's workbook: " + _first_difference(before, after, marks))
    if _verdict(_json(["check", str(copy), *today], out, "check of the annotated copy")) != _verdict(doc):
        out.failures.append("the check of the annotated plan differs from the check of the original")
    twice = work / "twice" / copy.name
    _cli(["check", str(copy), *today, "--annotate", "--output", str(twice)], out, "annotate again")
    if user_view(twice)["dump"] != after["dump"] or _state_cells(twice) != marks:
        out.failures.append("annotating twice differs from annotating once")
    cleaned = work / "cleaned" / copy.name
    _cli(["clean", str(copy), "--output", str(cleaned)], out, "clean")
    if not cleaned.exists():
        out.failures.append("clean wrote nothing")
    elif user_view(cleaned) != (before if baseline == path else user_view(baseline)):
        out.failures.append("clean did not restore the plan exactly: " + _first_difference(before, user_view(cleaned)))
    return out


def _first_difference(a: dict, b: dict, marks: set = frozenset()) -> str:
    from workbook_dump import diff_dumps

    a, b = _without_own_marks(a, set(marks)), _without_own_marks(b, set(marks))
    if a["values"] != b["values"]:
        for sheet in a["values"]:
            if a["values"][sheet] != b["values"].get(sheet):
                return f"values of sheet '{sheet}'"
        return "the tabs"
    return "; ".join(diff_dumps(a["dump"], b["dump"])[:3])


def run_all(cases: list[Case], work: Path, jobs: int = 2, each=None) -> list[Outcome]:
    """``run_case`` for every case, on ``jobs`` processes (the cases share nothing but the corpus); ``each``
    is called with every outcome as it comes."""
    from concurrent.futures import ProcessPoolExecutor

    outcomes = []
    with ProcessPoolExecutor(jobs) as pool:
        for o in pool.map(run_case, cases, [work / str(i) for i in range(len(cases))]):
            outcomes.append(o)
            if each is not None:
                each(o)
    return outcomes


def _say(o: Outcome) -> None:
    flag = "BROKEN " + " | ".join(o.failures) if o.failures else ""
    print(f"{o.outcome:8} {o.seconds:5.1f}s {o.case.family}/{display_path(o.case.path.name)} {flag}", flush=True)


def table(outcomes: list[Outcome], sync: dict[str, str] | None = None) -> str:
    """The families x outcomes table (markdown): per family, how many files, what check, annotate and clean
    made of them, how a whole-corpus sync listed them (``sync``: family -> text), broken promises and time."""
    rows: dict[str, Counter] = defaultdict(Counter)
    slowest: dict[str, float] = defaultdict(float)
    for o in outcomes:
        rows[o.case.family][o.outcome] += 1
        rows[o.case.family]["broken promises"] += bool(o.failures)
        rows[o.case.family]["seconds"] += o.total
        slowest[o.case.family] = max(slowest[o.case.family], o.seconds)
    sync = sync or {}
    lines = ["| family | files | ok (annotated, cleaned) | refused with a sentence | problems (not a plan) | "
             "sync (in the roll-up / Problems) | broken promises | seconds (all commands; slowest one) |",
             "|---|---|---|---|---|---|---|---|"]
    total = Counter()
    for fam, c in rows.items():
        total.update(c)
        lines.append(f"| {fam} | {sum(c[k] for k in ('ok', 'refused', 'problem'))} | {c['ok']} | {c['refused']} | "
                     f"{c['problem']} | {sync.get(fam, '-')} | {c['broken promises']} | "
                     f"{c['seconds']:.1f}; {slowest[fam]:.1f} |")
    lines.append(f"| **all** | {sum(total[k] for k in ('ok', 'refused', 'problem'))} | {total['ok']} | "
                 f"{total['refused']} | {total['problem']} | {sync.get('all', '-')} | {total['broken promises']} | "
                 f"{total['seconds']:.1f}; {max(slowest.values(), default=0):.1f} |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    folder = Path(argv[0])
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # workbook_dump
    corpus = build(folder / "corpus", soffice=shutil.which("soffice"))
    started = time.monotonic()
    outcomes = run_all(corpus.cases, folder / "work", each=_say)
    print(f"{len(outcomes)} files in {time.monotonic() - started:.0f} s")
    print(table(outcomes))
    return 1 if any(o.failures for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
