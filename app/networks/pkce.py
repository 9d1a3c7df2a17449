"""PKCE (RFC 7636) for the OAuth flows the networks offer: a verifier kept on our side and
its S256 challenge sent to the consent page, so a code caught on the way back is worthless
without the verifier."""

from __future__ import annotations

import base64
import hashlib
import secrets


def new_verifier() -> tuple[str, str]:
    """A PKCE code verifier and its S256 challenge."""
    verifier = secrets.token_urlsafe(64)[:96]
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
