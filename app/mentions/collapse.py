"""Flood collapse: reposts, quotes of one post and near-identical texts join one group.

A group is named by its first mention (the head): every later member stores the head's id
as ``cluster_id``; a head (and a mention alone) has none. The rule, cheapest test first
(docs/floods.md):

1. a repost or quote joins the group of the post it reposts or quotes (by network and
   external id), if that post or another repost of it is in the window;
2. a text equal to a recent one once normalised (case folded; links, @handles, a leading
   ``RT``, punctuation and emoji removed) joins that text's group: a copy-pasted chant;
3. a text of at least ``FUZZY_MIN_LENGTH`` normalised characters whose RapidFuzz
   ``fuzz.ratio`` with one of the ``FUZZY_HEADS`` most recently active groups' texts is at
   least ``FUZZY_CUTOFF`` joins it: a bot wave with small edits.

The window is per event and bounded: keys unused for ``WINDOW_SECONDS`` or beyond
``MAX_KEYS`` (oldest first) are forgotten, and every hit refreshes its keys, so a flood
that goes on stays one group. It lives in the process that ingests and follows the
event's journal counter, read under its lock: entries written by another process since
are read back before matching, and a batch whose transaction rolled back is detected and
the window read again from the database.
"""

from __future__ import annotations

import re
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import Connection, bindparam, select

from app.db import Database
from app.mentions.models import Mention

WINDOW_SECONDS = 600.0
MAX_KEYS = 50_000
FUZZY_HEADS = 64
FUZZY_MIN_LENGTH = 20
FUZZY_CUTOFF = 90.0
# How many recent mentions a window is read back from when it starts (or after a rollback).
RELOAD_ROWS = 5_000

_IN_PROGRESS = (-1, "")
_LINKS_AND_HANDLES = re.compile(r"https?://\S+|www\.\S+|@\w+")
_NOT_WORDS = re.compile(r"[\W_]+")
_mention = Mention.__table__  # type: ignore[attr-defined]
_COLUMNS = (
    _mention.c.id,
    _mention.c.seq,
    _mention.c.network,
    _mention.c.external_id,
    _mention.c.text,
    _mention.c.repost_of_id,
    _mention.c.quote_of_id,
    _mention.c.cluster_id,
    _mention.c.received_at,
)
_SINCE = (
    select(*_COLUMNS)
    .where(_mention.c.event_id == bindparam("event_id"), _mention.c.seq > bindparam("after"))
    .order_by(_mention.c.seq)
    .limit(MAX_KEYS)
)
_LATEST = (
    select(*_COLUMNS)
    .where(_mention.c.event_id == bindparam("event_id"))
    .order_by(_mention.c.seq.desc())
    .limit(RELOAD_ROWS)
)
_CHECK = select(_mention.c.id).where(
    _mention.c.event_id == bindparam("event_id"),
    _mention.c.seq == bindparam("seq"),
    _mention.c.external_id == bindparam("external_id"),
)


def normalise(text: str) -> str:
    """The text a chant's copies share: words only, lower case, single spaces."""
    words = _NOT_WORDS.sub(" ", _LINKS_AND_HANDLES.sub(" ", text)).casefold().split()
    if words and words[0] == "rt":
        del words[0]
    return " ".join(words)


class _Head:
    """A group's first mention; ``id`` is None until the batch that made it is stored."""

    __slots__ = ("dead", "id", "row")

    def __init__(self, mention_id: int | None, row: dict[str, Any] | None = None) -> None:
        self.id = mention_id
        self.row = row
        self.dead = False


class _Recent:
    """Keys to heads, least recently used first, forgotten past the window or the bound.

    An OrderedDict, not a dict: a dict whose oldest key is deleted over and over keeps the
    holes at its front, and finding the next oldest key walks them all (40 µs a put with
    50,000 keys, against 0.6 µs for the OrderedDict's linked list).
    """

    __slots__ = ("items", "limit")

    def __init__(self, limit: int) -> None:
        self.items: OrderedDict[Any, tuple[_Head, float]] = OrderedDict()
        self.limit = limit

    def get(self, key: Any) -> _Head | None:
        found = self.items.get(key)
        return None if found is None or found[0].dead else found[0]

    def put(self, key: Any, head: _Head, at: float) -> None:
        items = self.items
        if key in items:
            items.move_to_end(key)
        items[key] = (head, at)
        if len(items) > self.limit:
            items.popitem(last=False)

    def forget_before(self, at: float) -> None:
        items = self.items
        while items:
            key = next(iter(items))
            if items[key][1] >= at:
                return
            del items[key]


@dataclass
class EventWindow:
    """The recent groups of one event, as this process last saw them."""

    posts: _Recent = field(default_factory=lambda: _Recent(MAX_KEYS))
    texts: _Recent = field(default_factory=lambda: _Recent(MAX_KEYS))
    heads: _Recent = field(default_factory=lambda: _Recent(MAX_KEYS))
    # Head → its normalised text, for the fuzzy test; most recently active last.
    fuzzy: dict[_Head, str] = field(default_factory=dict)
    fuzzy_at: dict[_Head, float] = field(default_factory=dict)
    # The journal seq up to which the window holds the event's mentions (None: read it).
    synced_seq: int | None = None
    # The last row of a batch not yet known to be committed: (seq, external_id).
    unconfirmed: tuple[int, str] | None = None

    def match(self, network: str, target: str | None, norm: str) -> _Head | None:
        if target is not None and (head := self.posts.get(f"{network}:{target}")):
            return head
        if norm and (head := self.texts.get(norm)):
            return head
        if len(norm) >= FUZZY_MIN_LENGTH and self.fuzzy:
            found = process.extractOne(
                norm, self.fuzzy, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF
            )
            if found is not None and not found[2].dead:
                fuzzy_head: _Head = found[2]
                return fuzzy_head
        return None

    def remember(
        self, head: _Head, network: str, external_id: str, target: str | None, norm: str, at: float
    ) -> None:
        """File a mention's keys under ``head`` (a new group's or one it joined)."""
        self.posts.put(f"{network}:{external_id}", head, at)
        if target is not None:
            self.posts.put(f"{network}:{target}", head, at)
        if norm:
            self.texts.put(norm, head, at)
        fuzzy = self.fuzzy
        if len(norm) >= FUZZY_MIN_LENGTH or head in fuzzy:
            fuzzy[head] = fuzzy.pop(head, norm)
            self.fuzzy_at[head] = at
            if len(fuzzy) > FUZZY_HEADS:
                oldest = next(iter(fuzzy))
                del fuzzy[oldest], self.fuzzy_at[oldest]

    def forget_before(self, at: float) -> None:
        for recent in (self.posts, self.texts, self.heads):
            recent.forget_before(at)
        fuzzy = self.fuzzy
        while fuzzy and self.fuzzy_at[oldest := next(iter(fuzzy))] < at:
            del fuzzy[oldest], self.fuzzy_at[oldest]

    def load(self, rows: Any) -> None:
        """Add stored mentions (ascending by seq) as ingest would have."""
        for (
            mention_id,
            seq,
            network,
            external_id,
            text,
            repost_of,
            quote_of,
            cluster_id,
            at,
        ) in rows:
            stamp = _stamp(at)
            head = self.heads.get(cluster_id) if cluster_id is not None else None
            if head is None:
                head = _Head(cluster_id if cluster_id is not None else mention_id)
                self.heads.put(head.id, head, stamp)
            target = repost_of or quote_of
            self.remember(head, network, external_id, target, normalise(text), stamp)
            self.synced_seq = max(self.synced_seq or 0, seq)


def _stamp(at: datetime) -> float:
    return at.timestamp()


@dataclass(slots=True)
class BatchGroups:
    """The groups one batch made or joined, settled once its rows have ids."""

    window: EventWindow
    new_heads: list[_Head] = field(default_factory=list)
    # Rows that joined a group made in this same batch (their head had no id yet).
    waiting: list[tuple[dict[str, Any], _Head]] = field(default_factory=list)

    def settle(
        self, rows: list[dict[str, Any]], last_seq: int, at: datetime
    ) -> list[dict[str, int]]:
        """Give the batch's heads their ids (rows stored carry ``id``); answers the
        ``cluster_id`` updates its members need. A head that was already stored (a
        duplicate) hands the group to its first stored member."""
        for head in self.new_heads:
            if head.row is not None and "id" in head.row:
                head.id = head.row["id"]
            head.row = None
        updates = []
        for row, head in self.waiting:
            if "id" not in row:
                continue
            if head.id is None:
                head.id = row["id"]  # this member now leads the group
                continue
            row["cluster_id"] = head.id
            updates.append({"row_id": row["id"], "new_cluster_id": head.id})
        for head in self.new_heads:
            if head.id is None:
                head.dead = True
            else:
                self.window.heads.put(head.id, head, _stamp(at))
        stored = [row for row in rows if "id" in row]
        if stored:
            last = stored[-1]
            self.window.unconfirmed = (last["seq"], last["external_id"])
            self.window.synced_seq = last_seq + len(stored)
        else:
            self.window.synced_seq = last_seq
            self.window.unconfirmed = None
        return updates


class Floods:
    """The windows of the events this process ingests into."""

    def __init__(self, *, enabled: bool = True) -> None:
        self.enabled = enabled
        self._windows: dict[int, EventWindow] = {}

    def window(self, connection: Connection, event_id: int, last_seq: int) -> EventWindow:
        """The event's window brought up to ``last_seq`` (read under the counter lock)."""
        window = self._windows.get(event_id)
        if window is not None and not _still_valid(connection, event_id, window, last_seq):
            window = None
        if window is None:
            window = self._windows[event_id] = EventWindow()
            rows = connection.execute(_LATEST, {"event_id": event_id}).all()
            window.load(reversed(rows))
        elif window.synced_seq is not None and last_seq > window.synced_seq:
            window.load(
                connection.execute(_SINCE, {"event_id": event_id, "after": window.synced_seq})
            )
        window.synced_seq = last_seq
        # Until the batch settles: should it fail half-way, the next one reads it all again.
        window.unconfirmed = _IN_PROGRESS
        return window

    def assign(self, window: EventWindow, rows: list[dict[str, Any]], at: datetime) -> BatchGroups:
        """Put each new row (in arrival order) in a group: ``cluster_id`` is set where the
        head is already stored; the others wait for :meth:`BatchGroups.settle`."""
        stamp = _stamp(at)
        window.forget_before(stamp - WINDOW_SECONDS)
        batch = BatchGroups(window)
        for row in rows:
            network = row["network"]
            target = row["repost_of_id"] or row["quote_of_id"]
            norm = normalise(row["text"])
            head = window.match(network, target, norm)
            if head is None:
                head = _Head(None, row)
                batch.new_heads.append(head)
            elif head.id is None:
                batch.waiting.append((row, head))
            else:
                row["cluster_id"] = head.id
            window.remember(head, network, row["external_id"], target, norm, stamp)
        return batch


def _still_valid(connection: Connection, event_id: int, window: EventWindow, last_seq: int) -> bool:
    """False when the window holds a batch that was never committed (rolled back)."""
    if window.unconfirmed is None:
        return True
    if window.unconfirmed is _IN_PROGRESS:
        return False
    seq, external_id = window.unconfirmed
    if last_seq < seq:
        return False
    params = {"event_id": event_id, "seq": seq, "external_id": external_id}
    return connection.execute(_CHECK, params).first() is not None


def confirm(window: EventWindow, seq: int) -> None:
    """The batch ending at ``seq`` was committed: no need to check it on the next one."""
    if window.unconfirmed is not None and window.unconfirmed[0] == seq:
        window.unconfirmed = None


_FLOODS: weakref.WeakKeyDictionary[Database, Floods] = weakref.WeakKeyDictionary()


def configure(database: Database, *, enabled: bool) -> Floods:
    """Set whether ingest collapses floods for this process's database (on by default)."""
    floods = _FLOODS[database] = Floods(enabled=enabled)
    return floods


def floods_of(database: Database | None) -> Floods | None:
    """The process's windows for ``database``, or None when collapse is off."""
    if database is None:
        return None
    floods = _FLOODS.get(database)
    if floods is None:
        floods = configure(database, enabled=True)
    return floods if floods.enabled else None
