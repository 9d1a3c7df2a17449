"""Many-row INSERTs for the ingest path, without SQLAlchemy's work per row.

``connection.execute(insert(table), rows)`` builds a parameter dict for every row and runs
each value through its column's type in Python: at a few thousand mentions a second that
bookkeeping costs more than the database's own work for the row. A :class:`BulkInsert`
compiles its statement once for each dialect, picks each row's values in the order of the
SQL's placeholders (``operator.itemgetter``, in C), applies only the column types that
convert values (the times), and hands the rows to the driver's ``executemany``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, bindparam
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.dml import Insert

_Processor = Callable[[Any], Any]
_NOTHING = object()
_Compiled = tuple[str, Callable[[Mapping[str, Any]], Any], list[tuple[int, _Processor]]]


class BulkInsert:
    def __init__(self, statement: Insert, columns: Sequence[str]) -> None:
        """``statement`` is an INSERT into one table, without values; ``columns`` the
        columns every row gives (other keys of a row are ignored)."""
        if len(columns) < 2:
            raise ValueError("BulkInsert needs at least two columns")  # itemgetter's tuples
        self._statement = statement.values({name: bindparam(name) for name in columns})
        self._table = statement.table
        self._compiled: dict[str, _Compiled] = {}

    def _for(self, dialect: Dialect) -> _Compiled:
        compiled = self._compiled.get(dialect.name)
        if compiled is None:
            sql = self._statement.compile(dialect=dialect)
            # Qmark (SQLite) and $n (asyncpg) are both positional: the driver wants each row's
            # values in the order the placeholders appear in the SQL.
            names = sql.positiontup
            if not names:
                raise ValueError(f"{dialect.name} has no positional parameters")
            processors: list[tuple[int, _Processor]] = []
            for index, name in enumerate(names):
                process = self._table.c[name].type.bind_processor(dialect)
                if process is not None:
                    processors.append((index, process))
            compiled = (str(sql), itemgetter(*names), processors)
            self._compiled[dialect.name] = compiled
        return compiled

    def execute(self, connection: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        """Insert ``rows`` in one executemany."""
        if not rows:
            return
        sql, values_of, processors = self._for(connection.dialect)
        params: list[tuple[Any, ...]] = []
        # The rows of a batch mostly share their times (one received_at): convert a value
        # once while the next row brings the very same object.
        last: list[tuple[Any, Any]] = [(_NOTHING, None)] * len(processors)
        for row in rows:
            values = values_of(row)
            if processors:
                converted = list(values)
                for slot, (index, process) in enumerate(processors):
                    value = converted[index]
                    seen, done = last[slot]
                    if value is not seen:
                        done = process(value)
                        last[slot] = (value, done)
                    converted[index] = done
                values = tuple(converted)
            params.append(values)
        connection.exec_driver_sql(sql, params)
