"""Who may sign in (SPEC §2 `users`): local users with roles, passwords kept as slow salted
hashes, sign-in with a lock-out after repeated failures.

A user's row is never changed: a new password, role or a deactivation is a new row, and the
latest row per name counts (queries/users_current.sql). Failed sign-ins are audit-log
entries; enough of them since the last success, within the lock-out window, lock the name
for that window. With no user at all the dashboard keeps its "no users yet" mode (an
optional shared password, app_pages/login.py).
"""
from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import hmac
import os
import unicodedata
from dataclasses import dataclass

from ingest import audit, store

ROLES = ("auditor", "lead", "admin")
# What each role may do beyond reading (SPEC §4): a lead also assigns, samples and closes
# rectifications; an admin also manages users and deletes reports.
RANK = {role: rank for rank, role in enumerate(ROLES)}
MIN_PASSWORD = 8
MAX_NAME = 64
# scrypt's cost: 2^15 × 8 × 128 bytes = 32 MiB and about 0.1 s a hash on this machine's
# cores, so a stolen table is slow to guess; the parameters are stored with each hash.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 15, 8, 1
SCRYPT_MEMORY = 64 * 1024 * 1024


class UserError(ValueError):
    """A user cannot be added or changed: the message says why, in Chinese plain words."""


@dataclass(frozen=True)
class User:
    name: str
    display_name: str
    role: str

    def may(self, role: str) -> bool:
        """Whether this user holds `role` or one above it."""
        return RANK[self.role] >= RANK[role]

    @property
    def shown(self) -> str:
        return self.display_name or self.name


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P,
                            maxmem=SCRYPT_MEMORY)
    encode = lambda raw: base64.b64encode(raw).decode("ascii")  # noqa: E731
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${encode(salt)}${encode(digest)}"


def check_password(password: str, stored: str | None) -> bool:
    """Whether `password` matches a stored hash (any other form of `stored` matches nothing)."""
    try:
        scheme, n, r, p, salt, digest = (stored or "").split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        offered = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r),
                                 p=int(p), maxmem=SCRYPT_MEMORY, dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(offered, expected)


def clean_name(name: str) -> str:
    """A sign-in name as typed, folded (NFKC, trimmed, lower case), or UserError."""
    folded = unicodedata.normalize("NFKC", name or "").strip().lower()
    if not folded or len(folded) > MAX_NAME or any(ch.isspace() or not ch.isprintable() for ch in folded):
        raise UserError(f"用户名应为 1–{MAX_NAME} 个字符，不含空格")
    return folded


def check_new_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise UserError(f"密码至少 {MIN_PASSWORD} 个字符")


def user_row(name: str, role: str, password_hash: str, display_name: str | None, active: bool,
             by: str | None) -> dict:
    if role not in ROLES:
        raise UserError(f"角色应为 {' / '.join(ROLES)} 之一，而不是“{role}”")
    return {"name": name, "display_name": (display_name or "").strip() or None, "role": role,
            "password_hash": password_hash, "active": active, "changed_by": by,
            "changed_at": dt.datetime.now()}


def save_user(conn, row: dict, by: str | None, what: str) -> None:
    """Write a user's new row and its audit entry (conn: a writable store; None with
    JIXIAO_STATE_URL set). `what`: added, changed, deactivated, reactivated, password."""
    store.append_rows(conn, "users", [row])
    audit.record(conn, by, "user", row["name"], {"change": what, "role": row["role"], "active": row["active"]})


def add_user(conn, current: dict[str, dict], name: str, password: str, role: str,
             display_name: str | None = None, by: str | None = None) -> str:
    """A new user (current: the users now, by name, from users_current). Returns the name."""
    name = clean_name(name)
    if name in current:
        raise UserError(f"用户“{name}”已存在")
    check_new_password(password)
    save_user(conn, user_row(name, role, hash_password(password), display_name, True, by), by, "added")
    return name


def change_user(conn, current: dict[str, dict], name: str, by: str | None, *, role: str | None = None,
                active: bool | None = None, password: str | None = None, display_name: str | None = None) -> None:
    """A user's new row: what is given changes, the rest stays as it was."""
    if name not in current:
        raise UserError(f"没有用户“{name}”")
    was = current[name]
    if password is not None:
        check_new_password(password)
    row = user_row(name, role or was["role"], hash_password(password) if password is not None else was["password_hash"],
                   display_name if display_name is not None else was["display_name"],
                   was["active"] if active is None else active, by)
    what = ("password" if password is not None else "deactivated" if active is False
            else "reactivated" if active and not was["active"] else "changed")
    save_user(conn, row, by, what)


@dataclass(frozen=True)
class Lockout:
    failures: int           # max failures within `minutes` before the name is locked
    minutes: float


def locked_until(failures: list[dt.datetime], last_success: dt.datetime | None, rule: Lockout,
                 now: dt.datetime) -> dt.datetime | None:
    """When the name may try again, or None: `failures` are its failed sign-ins (any order)."""
    window = dt.timedelta(minutes=rule.minutes)
    recent = sorted(when for when in failures
                    if now - when < window and (last_success is None or when > last_success))
    if len(recent) < rule.failures:
        return None
    return recent[-1] + window


def authenticate(found: dict | None, password: str, failures: list[dt.datetime],
                 last_success: dt.datetime | None, rule: Lockout, now: dt.datetime) -> tuple[User | None, str]:
    """(the user, "ok") or (None, why: "locked" | "wrong"). `found`: the name's current row,
    None for an unknown name (which is checked like a wrong password, so the answer and its
    time do not tell which names exist)."""
    if locked_until(failures, last_success, rule, now) is not None:
        return None, "locked"
    valid = check_password(password, found["password_hash"] if found else _decoy())
    if not (valid and found and found["active"]):
        return None, "wrong"
    return User(found["name"], found["display_name"] or "", found["role"]), "ok"


@functools.cache
def _decoy() -> str:
    """Checked when the name is unknown, so an unknown name costs the same scrypt as a known one."""
    return hash_password(os.urandom(12).hex())
