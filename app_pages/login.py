"""An optional password in front of the dashboard, for when it is served to others."""
from __future__ import annotations

import hashlib
import hmac
import os

import streamlit as st

from app_pages.i18n import t
from ingest import config


def expected_digest() -> str | None:
    """SHA-256 (hex) of the password, from JIXIAO_PASSWORD or jixiao.toml; None: no password."""
    plain = os.environ.get("JIXIAO_PASSWORD")
    if plain:
        return hashlib.sha256(plain.encode("utf-8")).hexdigest()
    digest = str(config.load().get("dashboard", {}).get("password_sha256", "")).strip().lower()
    return digest or None


def require_password() -> None:
    """Stop the page run until this session has given the password."""
    digest = expected_digest()
    if digest is None or st.session_state.get("_authenticated") == digest:
        return
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
    st.stop()
