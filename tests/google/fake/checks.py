"""The fake's link to tests/google/discovery.py: every request it serves and every answer it gives is checked."""
from __future__ import annotations

import sys
from pathlib import Path

try:
    import discovery
except ImportError:  # the fake imported from outside tests/google (e.g. a benchmark)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import discovery

DiscoveryError = discovery.DiscoveryError


class _Validator:
    def check_request(self, operation: str, method: str, url: str, body) -> list[str]:
        return discovery.validate_request(method, url, body, expect=operation)

    def check_response(self, operation: str, answer) -> list[str]:
        return discovery.validate_response(operation, answer)


def validator() -> _Validator:
    return _Validator()
