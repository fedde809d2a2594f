"""Placeholder while the page is being built."""
import streamlit as st

from app_pages.i18n import t

st.header(t("nav.scores"))
