"""Text the API accepts is text both databases store alike.

PostgreSQL's ``text`` cannot hold a NUL character (it answered 500 while SQLite stored it),
and no database stores a lone UTF-16 surrogate (``"\\ud800"`` is valid JSON but not UTF-8).
Both are refused with a 422 naming the field, on every database (docs/api-errors.md).
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, field_validator

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
UNSTORABLE_MESSAGE = (
    "must not contain a NUL character (\\u0000) or an unpaired surrogate (\\ud800-\\udfff)"
)


def storable(value: str) -> str:
    if _UNSTORABLE.search(value):
        raise ValueError(UNSTORABLE_MESSAGE)
    return value


def _refuse_unstorable(value: Any) -> None:
    if isinstance(value, str):
        storable(value)
    elif isinstance(value, list | tuple | set):
        for item in value:
            _refuse_unstorable(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_unstorable(key)
            _refuse_unstorable(item)


# A text query or path parameter.
StoredText = Annotated[str, AfterValidator(storable)]


class InputModel(BaseModel):
    """The base of every request body: each of its texts, however nested, is storable."""

    @field_validator("*")
    @classmethod
    def _storable_text(cls, value: Any) -> Any:
        _refuse_unstorable(value)
        return value
