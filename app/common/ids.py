"""Ids and positions the API takes: whole numbers that fit the 64-bit columns they look up.

Past the column's range, PostgreSQL refuses the parameter and SQLite's driver overflows; an
id out of range is therefore refused as bad input (422, naming the parameter) before any
query runs, and one in range that matches nothing is a 404.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

MAX_ID = 2**63 - 1

Id = Annotated[int, Path(ge=1, le=MAX_ID, description="A row id: 1 to 2**63 - 1.")]


def fits_an_id(value: int) -> bool:
    return 1 <= value <= MAX_ID
