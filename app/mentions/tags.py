"""What a tag is: short, lower case, the same whether typed ``#Complaint`` or ``complaint``."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

MAX_TAG_LENGTH = 40
MAX_TAGS_PER_MENTION = 20
_TAG = re.compile(r"\w[\w-]*")


def normalise_tag(value: str) -> str:
    """The stored form of a tag; ValueError (with what a tag may be) when it is not one."""
    tag = value.strip().lstrip("#").lower()
    if len(tag) > MAX_TAG_LENGTH or not _TAG.fullmatch(tag):
        raise ValueError(
            f"a tag is 1 to {MAX_TAG_LENGTH} letters, digits, '-' or '_' "
            f"(a leading # is dropped), e.g. 'complaint'; got {value!r}"
        )
    return tag


# A tag in a request body: validated and normalised.
TagIn = Annotated[str, AfterValidator(normalise_tag)]
