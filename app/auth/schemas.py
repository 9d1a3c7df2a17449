"""Request and response bodies for accounts.

Username and password rules live in the service (the command line uses them too); these
models only bound sizes so nothing huge reaches the password hasher.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from app.auth.models import Role
from app.common.text import InputModel

PasswordField = Annotated[str, Field(max_length=1024)]
DisplayName = Annotated[str, StringConstraints(strip_whitespace=True, max_length=128)]


class LoginRequest(InputModel):
    model_config = ConfigDict(extra="forbid")

    username: Annotated[str, Field(max_length=256)]
    password: PasswordField


class UserPublic(BaseModel):
    """What anyone logged in may see about a user; never the password hash."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    display_name: str
    role: Role
    is_active: bool
    created_at: datetime


class UserCreate(InputModel):
    model_config = ConfigDict(extra="forbid")

    username: Annotated[str, Field(max_length=256)]
    password: PasswordField
    role: Role
    display_name: DisplayName = ""


class UserUpdate(InputModel):
    """Only the fields sent are changed."""

    model_config = ConfigDict(extra="forbid")

    role: Role | None = None
    is_active: bool | None = None
    display_name: DisplayName | None = None
    password: PasswordField | None = None

    @model_validator(mode="after")
    def _refuse_null(self) -> UserUpdate:
        for field in self.model_fields_set:
            if getattr(self, field) is None:
                raise ValueError(f"{field} cannot be null; leave it out to keep it unchanged")
        return self


class ApiTokenCreate(InputModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class ApiTokenPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None = Field(
        default=None, description="When the token was last used, to the minute; null if never."
    )


class ApiTokenCreated(ApiTokenPublic):
    token: str = Field(
        description="The secret; shown only in this answer. Send it as "
        "'Authorization: Bearer <token>'."
    )
