from __future__ import annotations

import pytest

from mapsheet.serve.settings import ServeSettings

from .google_signer import AUDIENCE, CertServer, GoogleSigner
from .live_server import LiveServer


@pytest.fixture(scope="session")
def signer() -> GoogleSigner:
    return GoogleSigner()


@pytest.fixture(scope="session")
def certs(signer):
    server = CertServer(signer)
    yield server
    server.close()


@pytest.fixture
def serve(certs):
    """Start `mapsheet serve` with these settings over a real socket; yields a function -> LiveServer."""
    started = []

    def start(**overrides) -> LiveServer:
        options = {"audiences": (AUDIENCE,), "allowed": ("acme.com", "lee@partner.io"), "certs_url": certs.url,
                   **overrides}
        server = LiveServer(ServeSettings(**options))
        started.append(server)
        return server

    yield start
    for server in started:
        server.close()
