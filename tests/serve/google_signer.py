"""A stand-in for Google's ID-token issuer: a locally generated RSA key, its certificate served the way
https://www.googleapis.com/oauth2/v1/certs serves Google's ({key id: PEM certificate}, with
Cache-Control), and tokens minted with google-auth's own signer. The verifier under test is the real one."""

from __future__ import annotations

import datetime as dt
import json
import time

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from google.auth import crypt, jwt
from loopback import Handler, LoopbackServer

KEY_ID = "mapsheet-test-key-1"
AUDIENCE = "1234567890-mapsheet.apps.googleusercontent.com"
ISSUER = "https://accounts.google.com"


class GoogleSigner:
    def __init__(self):
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mapsheet test issuer")])
        now = dt.datetime.now(dt.timezone.utc)
        cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
                .not_valid_after(now + dt.timedelta(days=30)).sign(key, hashes.SHA256()))
        self.private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                             serialization.NoEncryption()).decode()
        self.certs = {KEY_ID: cert.public_bytes(serialization.Encoding.PEM).decode()}
        self._signer = crypt.RSASigner.from_string(self.private_pem, key_id=KEY_ID)

    def token(self, email="dana@acme.com", *, aud=AUDIENCE, iss=ISSUER, issued=None, lifetime=3600,
              email_verified=True, **claims) -> str:
        iat = int(time.time()) if issued is None else int(issued)
        payload = {"iss": iss, "aud": aud, "sub": "1098", "iat": iat, "exp": iat + lifetime,
                   "email_verified": email_verified, **claims}
        if email is not None:
            payload["email"] = email
        return jwt.encode(self._signer, payload).decode()


class CertServer(LoopbackServer):
    """Serves the signer's certificates on 127.0.0.1 and counts how often they are fetched."""

    def __init__(self, signer: GoogleSigner, max_age: int = 300):
        self.fetches = 0
        body = json.dumps(signer.certs).encode()
        outer = self

        class Certs(Handler):
            def do_GET(self):  # noqa: N802 - http.server's naming
                outer.fetches += 1
                self.reply(200, body, "application/json; charset=UTF-8",
                           Cache_Control=f"public, max-age={max_age}, must-revalidate, no-transform")

        super().__init__(Certs, "/oauth2/v1/certs")
