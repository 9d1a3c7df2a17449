"""A mention's state and claim change in one module, app/triage/lifecycle.py, so that the
rules of a claim (the fence, the holder, the states it may leave) live in one place."""

from __future__ import annotations

import ast
from pathlib import Path

import app

APP = Path(app.__file__).parent
OWNER = APP / "triage" / "lifecycle.py"
LIFECYCLE_COLUMNS = {
    "state",
    "claimed_by_id",
    "claim_fence",
    "claimed_at",
    "lease_until",
    "claim_draft",
}


def _updates_mentions(node: ast.AST) -> bool:
    """Whether ``node`` is, or is chained on, ``update(mention_table)`` / ``update(Mention)``."""
    while isinstance(node, ast.Call | ast.Attribute):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id == "update" and node.args:
                table = ast.unparse(node.args[0])
                return table == "mention_table" or table.startswith("Mention")
            node = func
        else:
            node = node.value
    return False


def lifecycle_writes(source: str) -> set[str]:
    """The lifecycle columns that UPDATEs of the mention table in ``source`` set."""
    written: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "values"
            and _updates_mentions(node.func.value)
        ):
            written |= {kw.arg for kw in node.keywords if kw.arg} & LIFECYCLE_COLUMNS
            if any(kw.arg is None for kw in node.keywords):  # **values: could be anything
                written.add("**")
    return written


def test_only_the_lifecycle_module_changes_a_mentions_state_or_claim() -> None:
    writers = {
        str(path.relative_to(APP)): columns
        for path in APP.rglob("*.py")
        if path != OWNER and (columns := lifecycle_writes(path.read_text()))
    }
    assert writers == {}
    assert {"state", "claimed_by_id", "lease_until"} <= lifecycle_writes(OWNER.read_text())


def test_the_check_sees_a_write_of_the_state() -> None:
    source = (
        "async def f(session):\n"
        "    await session.execute(\n"
        "        update(mention_table).where(mention_table.c.id == 1).values(state='new')\n"
        "    )\n"
    )
    assert lifecycle_writes(source) == {"state"}
    flag = "update(mention_table).where(mention_table.c.id == 1).values(flag_reason='x')"
    assert lifecycle_writes(flag) == set()
