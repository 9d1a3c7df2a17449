"""The networks' credentials, encrypted at rest.

Each secret is a Fernet token (AES-128-CBC with HMAC-SHA256, from ``cryptography``) under a
key derived from the server's ``CUEDESK_SECRET_KEY`` with HKDF-SHA256: the database alone
gives nothing away. Changing the secret: set the new one, list the old one in
``CUEDESK_PREVIOUS_SECRET_KEYS`` (a MultiFernet decrypts with any of them, encrypts with the
new one), and run ``cuedesk accounts rotate-key`` to re-encrypt every row with the new key;
the old secret can then be dropped.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.config import Settings

_SALT = b"cuedesk/network-credentials"
_INFO = b"fernet-key/v1"


class CannotDecrypt(Exception):
    """The row was encrypted under a secret key this server no longer has."""


def derive_key(secret: str) -> bytes:
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=_INFO).derive(
        secret.encode("utf-8")
    )
    return base64.urlsafe_b64encode(raw)


class Vault:
    def __init__(self, secret_key: str, previous_keys: list[str] | tuple[str, ...] = ()) -> None:
        keys = [secret_key, *(key for key in previous_keys if key and key != secret_key)]
        self._fernet = MultiFernet([Fernet(derive_key(key)) for key in keys])

    @classmethod
    def from_settings(cls, settings: Settings) -> Vault:
        return cls(settings.secret_key, settings.previous_secret_keys)

    def seal(self, secrets: dict[str, Any]) -> str:
        return self._fernet.encrypt(json.dumps(secrets).encode("utf-8")).decode("ascii")

    def open(self, sealed: str) -> dict[str, Any]:
        try:
            value = json.loads(self._fernet.decrypt(sealed.encode("ascii")))
        except InvalidToken:
            raise CannotDecrypt(
                "The account's credentials were encrypted under another secret key: list the "
                "old key in CUEDESK_PREVIOUS_SECRET_KEYS, or connect the account again"
            ) from None
        return dict(value)

    def rotate(self, sealed: str) -> str:
        """The same secrets under the current key."""
        try:
            return self._fernet.rotate(sealed.encode("ascii")).decode("ascii")
        except InvalidToken:
            raise CannotDecrypt("encrypted under a key this server does not have") from None


def mask(secret: str) -> str:
    """What the browser may see of a secret: that it is set, and its last four characters
    when it is long enough for that to give nothing away."""
    if not secret:
        return ""
    return "••••" + secret[-4:] if len(secret) >= 16 else "••••"
