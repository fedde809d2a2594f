"""抽查 Sampling (/sampling): reports drawn for review so the draw can be defended.

The population is the filtered reports. A draw is simple random, stratified (by department,
region, score band, most severe anomaly) or monetary-unit (probability by budget), from a
seed shown beside it (ingest/sampling.py): the same population and seed give the same
reports. A lead saves a draw with every parameter that made it; a saved draw is re-opened,
drawn again to show it comes out the same, exported, and its reports assigned to reviewers.
Saving and assigning are audit-log entries.
"""
from __future__ import annotations

import datetime as dt
import json
import uuid

import polars as pl
import streamlit as st

from app_pages import data, login
from app_pages.i18n import t
from app_pages.widgets import report_links
from ingest import audit, sampling
from ingest.store import append_rows


STRATA = {"supervising_dept": "col.supervising_dept", "region": "col.region", "score_band": "sampling.score_band",
          "severity": "sampling.severity"}
PREVIEW_KEY = "_sampling_preview"

filters = st.session_state["filters"]
params = filters.params()
st.header(t("sampling.title"))


def population(chosen_by: dict) -> pl.DataFrame:
    """The reports these filters select, with their score band."""
    candidates = data.run("sampling_candidates", **chosen_by)
    return candidates.with_columns(pl.col("self_score").map_elements(sampling.score_band, return_dtype=pl.Utf8)
                                   .alias("score_band"))


def spec_of(method: str, size: int, seed: int, strata: list[str]) -> sampling.Draw:
    return sampling.Draw(method=method, size=size, seed=seed, strata=tuple(strata) if method == "stratified" else ())


def shown(frame: pl.DataFrame, key: str) -> None:
    report_links(frame, filters, key=key, columns={
        "draw_order": t("sampling.order"), "file_name": t("col.file_name"), "implementing_unit": t("col.implementing_unit"),
        "supervising_dept": t("col.supervising_dept"), "fiscal_year": t("col.fiscal_year"),
        "self_score": t("col.self_score"), "budget": st.column_config.NumberColumn(t("sampling.budget"), format="%.2f"),
        "stratum": t("sampling.stratum"), "hits": t("sampling.hits"), "assigned_to": t("sampling.assigned_to")})


def draw_form(candidates: pl.DataFrame) -> None:
    st.subheader(t("sampling.new"))
    st.caption(t("sampling.population", n=f"{candidates.height:,}"))
    left, middle, right = st.columns(3)
    method = left.radio(t("sampling.method"), sampling.METHODS, format_func=lambda code: t(f"sampling.method.{code}"),
                        key="sampling_method", horizontal=False)
    size = middle.number_input(t("sampling.size"), min_value=1, max_value=10_000, value=50, step=1, key="sampling_size")
    seed = right.number_input(t("sampling.seed"), min_value=0, max_value=2**31 - 1,
                              value=int(dt.date.today().strftime("%Y%m%d")), step=1, key="sampling_seed",
                              help=t("sampling.seed_help"))
    strata = []
    if method == "stratified":
        strata = st.multiselect(t("sampling.strata"), list(STRATA), default=["supervising_dept"],
                                format_func=lambda column: t(STRATA[column]), key="sampling_strata")
    if st.button(t("sampling.draw"), key="sampling_draw", type="primary", icon=":material/casino:"):
        if method == "stratified" and not strata:
            st.error(t("sampling.strata_needed"))
            return
        spec = spec_of(method, int(size), int(seed), strata)
        st.session_state[PREVIEW_KEY] = {"spec": spec, "drawn": sampling.draw(candidates, spec),
                                         "population": candidates.height}
    preview = st.session_state.get(PREVIEW_KEY)
    if not preview:
        return
    spec, drawn = preview["spec"], preview["drawn"]
    st.caption(t("sampling.drawn", n=drawn.height, what=spec.describe()))
    shown(drawn.rename({"order": "draw_order"}), "sampling_preview")
    if not login.may("lead"):
        st.caption(t("sampling.lead_saves"))
        return
    if data.reviews_read_only():
        st.info(data.read_only_notice())
        return
    name = st.text_input(t("sampling.name"), max_chars=200, key="sampling_name")
    user = login.acting_name("sampling_reviewer")
    if user and st.button(t("sampling.save"), key="sampling_save", icon=":material/save:"):
        draw_id = save(spec, drawn, preview["population"], name.strip() or spec.describe(), user)
        st.session_state.pop(PREVIEW_KEY, None)
        st.session_state["_sampling_notice"] = t("sampling.saved", id=draw_id)
        st.rerun()


def save(spec: sampling.Draw, drawn: pl.DataFrame, population_size: int, name: str, user: str) -> str:
    draw_id = uuid.uuid4().hex[:12]
    now = dt.datetime.now()
    head = {"draw_id": draw_id, "name": name, "method": spec.method, "size": spec.size, "seed": spec.seed,
            "strata": ",".join(spec.strata) or None, "filters": json.dumps(params, ensure_ascii=False, default=str),
            "population": population_size, "drawn_by": user, "drawn_at": now}
    members = [{"draw_id": draw_id, "report_id": row["report_id"], "draw_order": row["order"],
                "stratum": row.get("stratum"), "hits": row.get("hits")} for row in drawn.iter_rows(named=True)]

    def work(conn) -> None:
        append_rows(conn, "sample_draws", [head])
        append_rows(conn, "sample_members", members)
        audit.record(conn, user, "sample", draw_id, {**{k: v for k, v in head.items() if k != "drawn_at"},
                                                     "reports": [m["report_id"] for m in members]})

    data.write(work)
    return draw_id


def saved_draws() -> None:
    draws = data.run("sample_draws_list")
    st.subheader(t("sampling.saved_heading", n=draws.height))
    if not draws.height:
        st.caption(t("sampling.none_saved"))
        return
    labels = {row["draw_id"]: f"{row['drawn_at']:%Y-%m-%d %H:%M} · {row['name']} · {row['drawn_by']}"
              for row in draws.iter_rows(named=True)}
    picked = st.selectbox(t("sampling.open"), list(labels), format_func=labels.get, key="sampling_open")
    head = draws.filter(pl.col("draw_id") == picked).row(0, named=True)
    spec = spec_of(head["method"], head["size"], head["seed"], (head["strata"] or "").split(",") if head["strata"] else [])
    st.caption(t("sampling.saved_line", what=spec.describe(), population=head["population"], who=head["drawn_by"],
                 when=f"{head['drawn_at']:%Y-%m-%d %H:%M}", assigned=head["assigned"], drawn=head["drawn"]))
    members = data.run("sample_draw_members", draw_id=picked)
    shown(members, "sampling_members")
    left, right = st.columns(2)
    left.download_button(t("sampling.export"), data=members.write_csv(include_bom=True).encode("utf-8"),
                         file_name=f"抽样_{picked}.csv", mime="text/csv", key="sampling_export", on_click="ignore",
                         icon=":material/download:")
    if right.button(t("sampling.redraw"), key="sampling_redraw", help=t("sampling.redraw_help")):
        # The population the draw was made from: the filters saved with it, not today's sidebar.
        again = sampling.draw(population(json.loads(head["filters"])), spec)
        same = again["report_id"].to_list() == members["report_id"].to_list()
        (st.success if same else st.warning)(t("sampling.same" if same else "sampling.differs"))
    if login.may("lead") and not data.reviews_read_only():
        assign_form(picked, members)


def assign_form(draw_id: str, members: pl.DataFrame) -> None:
    user = login.acting_name("sampling_assigner")
    if not user:
        return
    reviewers = sorted(name for name, row in login.active_users().items())
    with st.form("sampling_assign", clear_on_submit=True):
        left, right = st.columns(2)
        chosen = left.multiselect(t("sampling.assign_reports"), members["draw_order"].to_list(),
                                  format_func=lambda order: f"{order} · {members['file_name'][order - 1]}",
                                  key="sampling_assign_reports")
        reviewer = (right.selectbox(t("sampling.assigned_to"), reviewers, key="sampling_assign_to") if reviewers
                    else right.text_input(t("sampling.assigned_to"), max_chars=100, key="sampling_assign_to"))
        submitted = st.form_submit_button(t("sampling.assign"))
    if not (submitted and chosen and reviewer):
        return
    now = dt.datetime.now()
    rows = [{"draw_id": draw_id, "report_id": members["report_id"][order - 1], "assigned_to": reviewer,
             "assigned_by": user, "assigned_at": now} for order in chosen]

    def work(conn) -> None:
        append_rows(conn, "sample_assignments", rows)
        audit.record(conn, user, "assign", draw_id, {"to": reviewer, "reports": [row["report_id"] for row in rows]})

    data.write(work)
    st.session_state["_sampling_notice"] = t("sampling.assigned", n=len(rows), who=reviewer)
    st.rerun()


notice = st.session_state.pop("_sampling_notice", None)
if notice:
    st.success(notice)
draw_form(population(params))
saved_draws()
