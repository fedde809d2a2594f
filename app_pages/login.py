"""Signing in (SPEC §2 users, §4 roles).

Once a user exists, every page asks for a name and password; a session unused for
[auth] idle_minutes signs out, and repeated failures lock the name out for a while
(ingest/users.py). Every review, re-score, rectification and export then names the
signed-in user. With no user yet, the dashboard stays as it was: open, or behind one
shared password (JIXIAO_PASSWORD or jixiao.toml [dashboard] password_sha256), and the
first admin is added on /admin or by `python -m ingest --add-user`.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os

import duckdb
import streamlit as st

from app_pages import data
from app_pages.i18n import t
from ingest import config, users

SESSION_USER = "_user"


def expected_digest() -> str | None:
    """SHA-256 (hex) of the password, from JIXIAO_PASSWORD or jixiao.toml; None: no password."""
    plain = os.environ.get("JIXIAO_PASSWORD")
    if plain:
        return hashlib.sha256(plain.encode("utf-8")).hexdigest()
    digest = str(config.load().get("dashboard", {}).get("password_sha256", "")).strip().lower()
    return digest or None


def _password_form(digest: str) -> None:
    """The shared password's form (no users yet)."""
    st.title(t("login.title"))
    with st.form("login"):
        given = st.text_input(t("login.password"), type="password", key="login_password")
        submitted = st.form_submit_button(t("login.submit"))
    if submitted:
        offered = hashlib.sha256(given.encode("utf-8")).hexdigest()
        if hmac.compare_digest(offered, digest):
            st.session_state["_authenticated"] = digest
            st.rerun()
        st.error(t("login.wrong"))


# The stores this server has seen users in: one of them that cannot be read for a moment
# (busy) keeps its pages closed rather than open them.
_stores_with_users: set[str] = set()


def all_users() -> dict[str, dict]:
    """Every user's current row by name (inactive ones too); {} without a store. A store
    that cannot be read counts as one without users (its pages say why they show nothing,
    and the ingest page still takes files), unless this server has seen users in it: then
    the run stops, saying why."""
    if not data.has_store():
        return {}
    try:
        frame = data.run("users_current")
    except duckdb.CatalogException:
        return {}           # a Parquet export from before users existed
    except data.StoreUnavailable as exc:
        if str(data.store_path()) in _stores_with_users:
            st.warning(str(exc))
            st.stop()
        return {}
    if frame.height:
        _stores_with_users.add(str(data.store_path()))
    return {row["name"]: row for row in frame.iter_rows(named=True)}


def active_users() -> dict[str, dict]:
    return {name: row for name, row in all_users().items() if row["active"]}


def current_user() -> users.User | None:
    """The signed-in user of this session; None while there are no users."""
    signed = st.session_state.get(SESSION_USER)
    return users.User(signed["name"], signed["display_name"], signed["role"]) if signed else None


def user_name() -> str | None:
    user = current_user()
    return user.name if user else None


def acting_name(key: str) -> str | None:
    """Who a verdict, re-score or rectification step is recorded under: the signed-in user;
    with no users yet, the name typed in the box `key` draws (remembered across pages)."""
    name = user_name()
    if name:
        return name
    if key not in st.session_state:
        st.session_state[key] = st.session_state.get("reviewer_name", "")
    typed = st.text_input(t("anomalies.reviewer"), key=key, max_chars=100).strip()
    if typed:
        st.session_state["reviewer_name"] = typed
    return typed or None


def may(role: str) -> bool:
    """Whether this session may act as `role`: with no users, anyone may (no users yet)."""
    user = current_user()
    return user is None or user.may(role)


def require_role(role: str) -> None:
    """Stop the page for a signed-in user below `role`, saying what it needs."""
    if not may(role):
        st.warning(t("auth.needs_role", role=t(f"auth.role.{role}")))
        st.stop()


def _settings() -> tuple[users.Lockout, dt.timedelta]:
    auth = config.load().get("auth", {})
    lockout = users.Lockout(int(auth.get("max_failures", 5)), float(auth.get("lockout_minutes", 15)))
    return lockout, dt.timedelta(minutes=float(auth.get("idle_minutes", 60)))


def admitted() -> bool:
    """Whether this session may see the pages: signed in and not idle too long, or, with no
    user yet, past the shared password if one is set. Says on the next form why a session
    was signed out."""
    known = active_users()
    if not known:
        st.session_state.pop(SESSION_USER, None)
        digest = expected_digest()
        return digest is None or st.session_state.get("_authenticated") == digest
    _, idle = _settings()
    now = dt.datetime.now()
    signed = st.session_state.get(SESSION_USER)
    if not signed:
        return False
    row = known.get(signed["name"])
    if row is not None and now - signed["seen"] <= idle:
        # A change of role or name made by an admin counts from the next run.
        signed.update(role=row["role"], display_name=row["display_name"] or "", seen=now)
        return True
    st.session_state.pop(SESSION_USER, None)
    st.session_state["_sign_in_notice"] = "auth.expired" if row is not None else "auth.deactivated"
    return False


def gate() -> None:
    """The form that admits a session (sign-in, or the shared password), then stop the run.
    app.py calls it after st.navigation, so the page asked for stays in the address."""
    known = active_users()
    if known:
        lockout, _ = _settings()
        _sign_in_form(known, lockout, dt.datetime.now())
    else:
        _password_form(expected_digest())
    st.stop()


def _sign_in_form(known: dict[str, dict], lockout: users.Lockout, now: dt.datetime) -> None:
    st.title(t("auth.title"))
    notice = st.session_state.pop("_sign_in_notice", None)
    if notice:
        st.info(t(notice))
    with st.form("sign_in"):
        given_name = st.text_input(t("auth.name"), key="sign_in_name", max_chars=users.MAX_NAME)
        given_password = st.text_input(t("auth.password"), type="password", key="sign_in_password")
        submitted = st.form_submit_button(t("auth.submit"), type="primary")
    if not submitted:
        return
    try:
        name = users.clean_name(given_name)
    except users.UserError:
        st.error(t("auth.wrong"))
        return
    history = data.fresh("sign_in_history", user_name=name, since=now - dt.timedelta(minutes=lockout.minutes))
    failures, last_success = history["failures"].to_list()[0] or [], history["last_success"].to_list()[0]
    user, outcome = users.authenticate(known.get(name), given_password, failures, last_success, lockout, now)
    action = {"ok": "sign_in", "wrong": "sign_in_failed", "locked": "sign_in_locked"}[outcome]
    data.record(name, action, name)
    if user is None:
        st.error(t("auth.locked", minutes=f"{lockout.minutes:g}") if outcome == "locked" else t("auth.wrong"))
        return
    st.session_state[SESSION_USER] = {"name": user.name, "display_name": user.display_name, "role": user.role,
                                      "seen": now}
    st.rerun()


def sign_out() -> None:
    user = current_user()
    st.session_state.pop(SESSION_USER, None)
    if user is not None:
        data.record(user.name, "sign_out", user.name)


def sidebar_badge() -> None:
    """Who is signed in, and the sign-out button, at the sidebar's foot."""
    user = current_user()
    if user is None:
        return
    with st.sidebar:
        st.caption(t("auth.signed_in_as", name=user.shown, role=t(f"auth.role.{user.role}")))
        st.button(t("auth.sign_out"), key="sign_out", on_click=sign_out)
