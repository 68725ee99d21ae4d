"""pytest fixtures for tests against the local Google: `from fake.fixtures import fake_google`.

(Kept here rather than in tests/google/conftest.py: a second top-level `conftest` module would shadow
tests/conftest.py for modules that do `from conftest import TODAY`.)
"""
from __future__ import annotations

import pytest

from .server import FakeGoogle


@pytest.fixture
def fake_google():
    """A fresh FakeGoogle (user me@example.com, strict discovery checks); the test fails if any request or
    answer broke the discovery documents, even one whose error the code under test swallowed."""
    fake = FakeGoogle()
    yield fake
    assert fake.violations == []
