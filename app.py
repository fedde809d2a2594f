"""Jixiao dashboard (a first page until the dashboard issue): what the store holds, and on
an empty store one button that loads the bundled sample reports."""
from __future__ import annotations

import streamlit as st

from ingest import store
from ingest.pipeline import ingest
from ingest.samples import write_samples

SAMPLE_COUNT = 60
SAMPLE_SEED = 2026

st.set_page_config(page_title="绩效自评报告审核 Jixiao", layout="wide")
st.title("绩效自评报告审核")
path = store.store_path()


def status_counts() -> dict[str, int]:
    if not path.exists():
        return {}
    try:
        conn = store.connect(path, read_only=True, wait_seconds=10)
    except store.StoreError as exc:
        st.warning(str(exc))
        return {}
    try:
        rows = conn.execute("select parse_status, count(*) from reports group by parse_status").fetchall()
    except store.Error:
        rows = []
    finally:
        conn.close()
    return dict(rows)


counts = status_counts()
if counts:
    st.metric("已导入报告", sum(counts.values()))
    st.write({"完整": counts.get("ok", 0), "部分字段缺失": counts.get("partial", 0), "失败": counts.get("failed", 0)})
else:
    st.info(f"数据库 {path} 中还没有报告。可用命令行导入：python -m ingest 报告文件夹")
    if st.button(f"载入示例报告（{SAMPLE_COUNT} 份）", type="primary"):
        folder = path.parent / "samples"
        write_samples(folder, SAMPLE_COUNT, SAMPLE_SEED)
        bar = st.progress(0.0, text="正在导入示例报告…")
        ingest([folder], path, workers=1,
               on_progress=lambda done, total, _: bar.progress(done / max(total, 1), text=f"已处理 {done}/{total}"))
        st.rerun()
