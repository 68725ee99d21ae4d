import sys
from pathlib import Path

# the local Google (tests/google/fake) is imported as `fake`, beside its discovery checks
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "google"))
