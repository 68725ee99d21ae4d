"""The digests a sync makes: SHA-256 (the keys of settings, contexts and fingerprints) and BLAKE2b (rows, blocks,
light summaries), taken from CPython's own modules where it has them. ``hashlib`` makes the same digests but loads
OpenSSL's module as it is imported: about 4 ms of every sync's start (measured: importing hashlib 4.4 ms, these
0.3 ms each), a thirtieth of a re-sync that finds nothing changed."""

from __future__ import annotations

try:
    from _blake2 import blake2b
except ImportError:  # a Python built without it: hashlib finds BLAKE2b elsewhere
    from hashlib import blake2b

try:
    from _sha256 import sha256  # CPython up to 3.11
except ImportError:
    try:
        from _sha2 import sha256  # CPython 3.12 on
    except ImportError:
        from hashlib import sha256

__all__ = ["blake2b", "sha256"]
