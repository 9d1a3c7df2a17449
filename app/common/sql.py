"""A small helper for conditional writes."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, Executable
from sqlalchemy.ext.asyncio import AsyncSession


async def affected(session: AsyncSession, statement: Executable) -> int:
    """Run an UPDATE or DELETE and return how many rows it changed: what decides, in a
    conditional write, whether this caller won."""
    result = cast(CursorResult[Any], await session.execute(statement))
    return result.rowcount
