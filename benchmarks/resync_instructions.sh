#!/bin/bash
# Instructions of each process of a re-sync after 10 edited plans of the 1,000 sample plans, counted by valgrind
# (callgrind), each forked process from its fork: a figure that does not move with the machine's load, to compare
# two checkouts (issue #16). Needs valgrind (apt-get install valgrind) and the sample plans (python benchmarks/run.py
# writes them into benchmarks/.data/plans-1000). About a minute.
#
#   benchmarks/resync_instructions.sh [CHECKOUT] [ROUND]
#
# CHECKOUT: a checkout with its own .venv (default: this one); ROUND picks which 10 plans are edited (default 0),
# as benchmarks/run.py's edit_plans does. Prints millions of instructions per process (the main process first,
# then the forked reader and the forked skeleton maker) and their total.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
CHECKOUT=$(cd "${1:-$HERE/..}" && pwd)
ROUND=${2:-0}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cp -r "$HERE/.data/plans-1000" "$WORK/plans"
cd "$CHECKOUT"
.venv/bin/python -m compileall -q mapsheet
SYNC=(.venv/bin/python -m mapsheet sync "$WORK/plans" --out "$WORK/rollup.xlsx" --history "$WORK/history.sqlite"
      --today 2026-11-27 --quiet)
"${SYNC[@]}" > /dev/null || [ $? -eq 1 ]  # exit 1: some sample plans drifted from the template on purpose
.venv/bin/python -c "
import sys; sys.path.insert(0, '$HERE'); import run
from pathlib import Path
run.edit_plans(Path('$WORK/plans'), $ROUND)"
valgrind --tool=callgrind --trace-children=yes --zero-before=PyOS_AfterFork_Child \
    --callgrind-out-file="$WORK/callgrind.%p" "${SYNC[@]}" > /dev/null 2> "$WORK/valgrind.log" || [ $? -eq 1 ]
for f in $(ls "$WORK"/callgrind.* | sort -t. -k2 -n); do
    grep -m1 '^summary:' "$f" | awk '{printf "%9.1fM\n", $2 / 1e6}'
done
grep -h '^summary:' "$WORK"/callgrind.* | awk '{s += $2} END {printf "total %.1fM\n", s / 1e6}'
