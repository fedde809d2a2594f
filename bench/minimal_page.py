"""The floor the dashboard's pages are measured against (python -m bench pages-browser): a
Streamlit page with a heading, one filter in the sidebar and one Plotly chart, no store.
Choosing a year in the sidebar reruns it and redraws the chart, as a filter change does on
a page of the dashboard.

    streamlit run bench/minimal_page.py
"""
from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

YEARS = [2021, 2022, 2023, 2024]

st.set_page_config(page_title="minimal", layout="wide")
with st.sidebar:
    chosen = st.multiselect("year", YEARS, key="years", placeholder="any")
st.header("minimal page")
shown = chosen or YEARS
figure = go.Figure(go.Bar(x=[str(year) for year in shown], y=[year - 2000 for year in shown]))
figure.update_layout(height=360, margin={"t": 10})
st.plotly_chart(figure, key="minimal_chart")
