"""Would compiling mapsheet's Python make a sync's reading process faster? (issue #16, sixteenth round)

    pip install cython      # not one of mapsheet's dependencies; a C compiler and Python's headers are needed too
    python benchmarks/compiled_probe.py [--plans 300] [--pairs 3] [--keep DIR]

Copies the package into a folder of its own (no pyproject.toml beside it: setuptools would read this one's),
compiles there, with Cython 3 and as they are, the modules a reading process spends its Python time in (no type
declarations added; annotations not taken as C types, or Cython refuses a NamedTuple where a tuple is annotated),
then runs ``worker_stages.py`` with that copy as its baseline: each stage's CPU time per plan, compiled ("before")
and as Python ("after"), in alternating runs on one core. ``--keep DIR`` compiles into DIR once and reuses it.
Compiling takes about 3 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
#: What a reading process runs (``worker_stages.py``'s stages): the package checks, the reader, parse, the check
#: and its rules, the summary and the roll-up's rows.
MODULES = ("parse.py", "check.py", "scoring.py", "verdict.py", "grid.py", "model.py", "rules/*.py",
           "sync/summary.py", "sync/details.py", "sync/xlsx_rows.py", "backends/xlsx_quick.py",
           "backends/xlsx_image.py", "backends/xlsx_read.py")


def compile_copy(folder: Path) -> list[Path]:
    """The package copied into ``folder`` and ``MODULES`` compiled in place there (unless done before): the
    extension modules, which Python imports before the source beside them."""
    package = folder / "mapsheet"
    if not package.exists():
        shutil.copytree(ROOT / "mapsheet", package, ignore=shutil.ignore_patterns("__pycache__"))
        sources = [str(p.relative_to(folder)) for pattern in MODULES for p in sorted(package.glob(pattern))]
        cythonize = [sys.executable, "-m", "Cython.Build.Cythonize", "-i", "-3", "-j", str(os.cpu_count() or 1),
                     "-X", "annotation_typing=False"]
        made = subprocess.run([*cythonize, *sources], cwd=folder, capture_output=True, text=True)
        if made.returncode:  # the compiler's warnings are many; its errors end its output
            sys.exit("compiling failed:\n" + "\n".join(made.stderr.splitlines()[-40:]))
    return sorted(p for suffix in ("*.so", "*.pyd") for p in package.rglob(suffix))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=300)
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="compile into this folder once and reuse it")
    args = parser.parse_args()
    if importlib.util.find_spec("Cython") is None:
        sys.exit("compiled_probe.py needs Cython: pip install cython")
    folder = args.keep or Path(tempfile.mkdtemp(prefix="mapsheet-compiled-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        compiled = compile_copy(folder)
        if not compiled:  # a kept folder whose compiling failed before: its copy alone would be compared with itself
            sys.exit(f"no compiled module in {folder}: delete it and run again")
        print(f"{len(compiled)} modules compiled in {folder}; 'before' below is the compiled copy, 'after' the source",
              flush=True)
        subprocess.run([sys.executable, str(HERE / "worker_stages.py"), "--baseline", str(folder),
                        "--plans", str(args.plans), "--pairs", str(args.pairs)], cwd=ROOT, check=True)
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
