"""A user as other people see them: named on claims, replies, notes and saved replies."""

from __future__ import annotations

from pydantic import BaseModel


class HolderPublic(BaseModel):
    username: str
    display_name: str


def holder_dict(username: str, display_name: str) -> dict[str, str]:
    """Who holds a claim (or wrote a reply or a note), as the API and the journal name them."""
    return {"username": username, "display_name": display_name}
