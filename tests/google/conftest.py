"""Fixtures for tests against the local Google (tests/google/fake)."""
from __future__ import annotations

import pytest

from fake import FakeGoogle


@pytest.fixture
def fake_google():
    """A fresh FakeGoogle (user me@example.com, strict discovery checks); the test fails if any request or
    answer broke the discovery documents, even one whose error the code under test swallowed."""
    fake = FakeGoogle()
    yield fake
    assert fake.violations == []
