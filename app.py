"""Jixiao dashboard (placeholder until the dashboard issue): what the store holds."""
from __future__ import annotations

import streamlit as st

from ingest import store

st.set_page_config(page_title="绩效自评报告审核 Jixiao", layout="wide")
st.title("绩效自评报告审核")
path = store.store_path()
if not path.exists():
    st.info(f"数据库 {path} 尚不存在。先运行：python -m ingest 报告文件夹")
else:
    try:
        conn = store.connect(path, read_only=True, wait_seconds=10)
    except store.StoreError as exc:
        st.warning(str(exc))
    else:
        try:
            counts = conn.execute(
                "select parse_status, count(*) as n from reports group by parse_status order by parse_status"
            ).fetchall()
        except store.Error:
            counts = []
        finally:
            conn.close()
        st.write({status: n for status, n in counts} or "数据库中还没有报告。")
