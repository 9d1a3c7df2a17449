"""PLACEHOLDER being written by the auth helper."""
from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User


async def user_for_api_token(session: AsyncSession, token: str) -> User | None:
    raise NotImplementedError


async def user_for_session_token(session: AsyncSession, token: str) -> User | None:
    raise NotImplementedError
