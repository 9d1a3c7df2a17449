"""Secrets out of the server's logs: uvicorn writes each request's URL, query included."""

from __future__ import annotations

import logging
import re
from typing import Any

# A stream ticket (single use, 30 s) is harmless once spent, but nothing that logs in
# belongs in a log; ``token`` covers clients that still put an API token there.
# ``code`` and ``state``: X's OAuth redirect back to /api/accounts/x/callback.
_SECRET_PARAMETER = re.compile(
    r"([?&](?:token|ticket|access_token|refresh_token|code|state)=)[^&\s\"']+", re.IGNORECASE
)
REDACTED = "[redacted]"
# uvicorn's loggers: the HTTP access log, and the one websocket handshakes are logged to.
SERVER_LOGGERS = ("uvicorn.access", "uvicorn.error")


def redact(text: str) -> str:
    return _SECRET_PARAMETER.sub(rf"\1{REDACTED}", text)


def _redacted(value: Any) -> Any:
    return redact(value) if isinstance(value, str) else value


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redacted(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _redacted(arg) for key, arg in record.args.items()}
        return True


def install() -> None:
    """Redact the server's loggers (once, however often the app starts in one process)."""
    for name in SERVER_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())
