"""What a viewer (a client watching along) may see of the journal: no VIP list and no
internal notes.

A withheld entry keeps its seq, type, time and actor, so a viewer's stream stays gap-free
and resumes like anyone's; only its ``data`` shrinks to what a viewer may know.
"""

from __future__ import annotations

from typing import Any, Literal

from app.auth.models import Role

Audience = Literal["team", "viewer"]

# The VIP entries keep the mentions whose priority moved (viewers see priorities), not
# whose handle it was.
_VIEWER_DATA: dict[str, tuple[str, ...]] = {
    "event.vip_added": ("priority_delta", "mention_ids"),
    "event.vip_removed": ("priority_delta", "mention_ids"),
    "mention.noted": ("mention_id",),
}
# Entries that carry a whole row with an internal ``note`` under this key (``draft.*``,
# ``cue.*``): viewers get the row without it.
_NOTED_ROWS = ("draft", "cue")


def audience_of(role: str) -> Audience:
    return "viewer" if role == Role.viewer else "team"


def sees_internal(role: str) -> bool:
    """Whether this role may see the VIP list and internal notes."""
    return audience_of(role) == "team"


def shown_to(role: str, mention: dict[str, Any]) -> dict[str, Any]:
    """A mention as the API shows it to ``role``: no internal notes for viewers."""
    if sees_internal(role) or not mention.get("notes"):
        return mention
    return {**mention, "notes": []}


# Entries carrying a cue in full (``{"cue": CuePublic}``): viewers see it without its note.
_CUE_ENTRIES = frozenset({"cue.created", "cue.updated", "cue.deleted", "cue.rearmed", "cue.missed"})


def for_viewer(entry: dict[str, Any]) -> dict[str, Any]:
    """The entry as a viewer sees it: ``entry`` itself when it hides nothing."""
    kept = _VIEWER_DATA.get(entry["type"])
    data = entry["data"]
    if entry["type"] in _CUE_ENTRIES and "note" in data.get("cue", {}):
        cue = {key: value for key, value in data["cue"].items() if key != "note"}
        return {**entry, "data": {**data, "cue": cue}}
    if kept is None:
        # A mention in full (``mention.received``) shows no notes either. The hub runs this
        # for every entry it takes in: the common case returns at once.
        if data.get("notes"):
            data = {**data, "notes": []}
        for key in _NOTED_ROWS:
            row = data.get(key)
            if isinstance(row, dict) and "note" in row:
                data = {**data, key: {k: v for k, v in row.items() if k != "note"}}
        return entry if data is entry["data"] else {**entry, "data": data}
    return {**entry, "data": {key: data[key] for key in kept if key in data}}


def for_audience(entries: list[dict[str, Any]], audience: Audience) -> list[dict[str, Any]]:
    if audience == "team":
        return entries
    return [for_viewer(entry) for entry in entries]
