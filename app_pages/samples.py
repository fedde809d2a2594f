"""The bundled sample reports: on an empty store one button loads them (SPEC §5)."""
from __future__ import annotations

import streamlit as st

from app_pages import data, login
from app_pages.i18n import t
from ingest.pipeline import ingest
from samples import write_samples

SAMPLE_COUNT = 60
SAMPLE_SEED = 2026


def store_is_empty() -> bool:
    if not data.has_store():
        return True
    return data.run("report_count")["reports"][0] == 0


def offer_button() -> None:
    if data.read_only():
        st.info(data.read_only_notice())
        return
    if not st.button(t("overview.load_samples", n=SAMPLE_COUNT), type="primary", key="load_samples"):
        return
    data.close()
    path = data.store_path()
    folder = path.parent / "samples"
    write_samples(folder, SAMPLE_COUNT, SAMPLE_SEED)
    bar = st.progress(0.0, text=t("overview.loading", done=0, total=SAMPLE_COUNT))
    summary = ingest([folder], path, workers=1,
                     on_progress=lambda done, total, _: bar.progress(done / max(total, 1),
                                                                     text=t("overview.loading", done=done, total=total)))
    data.record(login.user_name(), "upload", summary.run_id, {"samples": SAMPLE_COUNT, "ok": summary.ok,
                                                              "partial": summary.partial, "failed": summary.failed})
    st.rerun()
