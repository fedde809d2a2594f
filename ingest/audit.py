"""The audit log (SPEC §2): who did what, when, with which parameters. Append-only.

Nothing here updates or deletes an entry, and nothing else may: each entry carries the
SHA-256 of its content and of the entry before it, so an entry changed or removed by other
means breaks the chain, and `verify` names the first entry where it breaks. In PostgreSQL
(JIXIAO_STATE_URL) the server itself also refuses any update, delete or truncate of the
table (state.py). Entries are written through store.append_rows, which reads the last
entry's hash in the same transaction as the new one is written.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any, Iterable

from ingest import store

# What is logged (SPEC §2): reading or changing what auditors rely on. Pages' views are not.
ACTIONS = (
    "sign_in", "sign_in_failed", "sign_in_locked", "sign_out",
    "ingest", "upload", "review", "rescore", "rectification", "export", "paper",
    "user", "delete", "restore", "sample", "assign",
)
GENESIS = "0" * 64


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="microseconds")
    return str(value)


def entry_hash(entry: dict, prev_hash: str) -> str:
    """The chain's link: SHA-256 over the previous hash and this entry's fields."""
    fields = [prev_hash, _text(entry["seq"]), _text(entry["logged_at"]), _text(entry.get("user_name")),
              entry["action"], _text(entry.get("target")), _text(entry.get("params"))]
    return hashlib.sha256("\x1f".join(fields).encode("utf-8")).hexdigest()


def _seal(last: tuple | None, entries: list[dict]) -> list[dict]:
    """Number the new entries after the last one and chain their hashes."""
    seq, prev = (last[0], last[1]) if last else (0, GENESIS)
    sealed = []
    for entry in entries:
        seq += 1
        row = {**entry, "seq": seq, "prev_hash": prev}
        row["hash"] = prev = entry_hash(row, prev)
        sealed.append(row)
    return sealed


def entry(user: str | None, action: str, target: str | None = None, params: dict | None = None,
          when: dt.datetime | None = None) -> dict:
    """One entry, not yet numbered nor chained. Times are kept to the microsecond, as the
    store keeps them, so the hash reads back the same."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    when = (when or dt.datetime.now()).replace(tzinfo=None)
    return {"logged_at": when, "user_name": user or None, "action": action, "target": target,
            "params": json.dumps(params, ensure_ascii=False, sort_keys=True, default=str) if params else None}


def record(conn, user: str | None, action: str, target: str | None = None, params: dict | None = None) -> int:
    """Append one entry (conn: a writable store; None when JIXIAO_STATE_URL is set)."""
    return record_many(conn, [entry(user, action, target, params)])


def record_many(conn, entries: Iterable[dict]) -> int:
    return store.append_rows(conn, "audit_log", list(entries), seal=_seal)


def verify(rows: Iterable[dict]) -> int | None:
    """The seq of the first entry whose chain is broken (changed, removed, inserted out of
    turn), or None when every entry links to the one before. `rows` in any order."""
    prev, expected = GENESIS, 1
    for row in sorted(rows, key=lambda row: row["seq"]):
        if row["seq"] != expected or row["prev_hash"] != prev or entry_hash(row, prev) != row["hash"]:
            return expected
        prev, expected = row["hash"], expected + 1
    return None
