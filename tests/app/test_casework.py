"""The pages after an anomaly, as a user drives them: signing in (and being locked out, and
signed out when idle), roles, re-scoring beside the evidence, rectification, the admin page
and its audit log. Each test works on its own copy of the page store: these pages write."""
from __future__ import annotations

import datetime as dt

from conftest import CORPUS, fetch
from streamlit.testing.v1 import AppTest
from tests.app.conftest import APP, open_tab
from truth import read_truth

from ingest import store, users

PASSWORD = "审计-2026-春"


def add(db, name: str, role: str, display: str | None = None) -> None:
    conn = store.open_store(db)
    try:
        current = {row[0]: {"name": row[0]} for row in conn.execute("select distinct name from users").fetchall()}
        users.add_user(conn, current, name, PASSWORD, role, display, by="test")
    finally:
        conn.close()


def signed_in(name: str, password: str = PASSWORD, page: str | None = None, **query) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    for key, value in query.items():
        app.query_params[key] = value
    app.run()
    assert [title.value for title in app.title] == ["请登录"]
    sign_in(app, name, password)
    if page:
        app.switch_page(f"app_pages/{page}").run()
    assert not app.exception
    return app


def sign_in(app: AppTest, name: str, password: str) -> None:
    app.text_input(key="sign_in_name").input(name)
    app.text_input(key="sign_in_password").input(password)
    app.button(key="FormSubmitter:sign_in-登录").click().run()


def test_with_users_every_page_asks_to_sign_in_and_a_lockout_follows_repeated_failures(own_store):
    add(own_store, "zhang", "auditor", "张审计")
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    assert [title.value for title in app.title] == ["请登录"] and not app.get("metric")
    for _ in range(5):
        sign_in(app, "zhang", "not-the-password")
        assert [error.value for error in app.error] == ["用户名或密码不正确。"]
    sign_in(app, "zhang", PASSWORD)          # the right password, but locked now
    assert [error.value for error in app.error] == ["登录失败次数过多，该用户已被暂时锁定，请 15 分钟后再试。"]
    assert fetch(own_store, "select action, count(*) from audit_log where target = 'zhang' and action like 'sign_in%' group by action "
                            "order by action") == [("sign_in_failed", 5), ("sign_in_locked", 1)]


def test_a_signed_in_user_works_and_is_signed_out_when_idle(own_store):
    add(own_store, "zhang", "auditor", "张审计")
    app = signed_in("zhang")
    assert app.get("metric") and "当前用户：张审计（审核员）" in [caption.value for caption in app.sidebar.caption]
    app.session_state["_user"] = {**app.session_state["_user"], "seen": dt.datetime.now() - dt.timedelta(hours=2)}
    app.run()
    assert [title.value for title in app.title] == ["请登录"]
    assert "长时间未操作，已自动退出，请重新登录。" in [info.value for info in app.info]
    assert fetch(own_store, "select user_name, action from audit_log where action like 'sign_in%'") == [
        ("zhang", "sign_in")]


def test_an_auditor_may_not_open_admin_and_an_admin_adds_a_user_seen_in_the_log(own_store):
    add(own_store, "zhang", "auditor")
    add(own_store, "root", "admin", "管理员甲")
    app = signed_in("zhang", page="admin.py")
    assert [warning.value for warning in app.warning] == ["此操作需要“管理员”或更高权限。"]
    app = signed_in("root", page="admin.py")
    app.text_input(key="admin_new_name").input("Li")
    app.text_input(key="admin_new_display").input("李组长")
    app.selectbox(key="admin_new_role").set_value("lead")
    app.text_input(key="admin_new_password").input("lead-pass-1")
    app.text_input(key="admin_new_again").input("lead-pass-1")
    app.button(key="FormSubmitter:admin_add_user-添加").click().run()
    assert not app.exception and "已添加用户 li。" in [success.value for success in app.success]
    assert fetch(own_store, "select name, display_name, role, active, changed_by from users where name = 'li'") == [
        ("li", "李组长", "lead", True, "root")]
    log = next(frame.value for frame in app.dataframe if "action" in frame.value.columns)
    assert log["user_name"].to_list()[:2] == ["root", "root"]
    assert log["target"].to_list()[:2] == ["li", "root"]            # the new user, then root's sign-in
    assert "逐条校验哈希链完整" in app.caption[0].value or any("哈希链完整" in c.value for c in app.caption)


def test_a_confirmed_finding_opens_a_rectification_that_only_a_lead_closes(own_store):
    add(own_store, "zhang", "auditor")
    add(own_store, "li", "lead")
    finding = fetch(own_store, "select a.report_id, a.rule, coalesce(a.subject, ''), r.file_name from anomalies a "
                               "join reports r using (report_id) where a.rule = 'OVERSPEND_LINE' "
                               "order by r.file_name, a.subject limit 1")[0]
    conn = store.open_store(own_store)
    store.add_reviews(conn, [{"report_id": finding[0], "rule": finding[1], "subject": finding[2],
                              "status": "confirmed", "comment": "超支属实"}], reviewer="zhang")
    conn.close()
    app = signed_in("zhang", page="rectification.py")
    assert app.selectbox(key="rect_finding").options[0].startswith(finding[3])
    app.selectbox(key="rect_finding").set_value(0)
    app.text_area(key="rect_requirement").input("收回超支资金并调整预算")
    app.text_input(key="rect_owner").input("财务科王某")
    app.button(key="FormSubmitter:rect_open-开立整改").click().run()
    assert not app.exception
    opened = fetch(own_store, "select report_id, rule, subject, status, owner, changed_by from rectifications")
    assert opened == [(finding[0], finding[1], finding[2], "open", "财务科王某", "zhang")]
    # The auditor is not offered "done"; a lead is, and closes it.
    rect_id = fetch(own_store, "select rect_id from rectifications")[0][0]
    app.session_state["rect_table"] = {"selection": {"rows": [0], "columns": []}}
    app.run()
    assert list(app.selectbox(key="rect_status").options) == ["待整改", "整改中"]
    lead = signed_in("li", page="rectification.py")
    lead.session_state["rect_table"] = {"selection": {"rows": [0], "columns": []}}
    lead.run()
    lead.selectbox(key="rect_status").set_value("done")
    lead.text_input(key="rect_note").input("已收回超支资金 1.2 万元")
    lead.button(key=f"FormSubmitter:rect_step_{rect_id}-记录").click().run()
    assert not lead.exception
    assert fetch(own_store, "select status, changed_by, note from rectifications order by changed_at") == [
        ("open", "zhang", None), ("done", "li", "已收回超支资金 1.2 万元")]
    assert fetch(own_store, "select user_name, json_extract_string(params, '$.change') from audit_log "
                            "where action = 'rectification' order by seq") == [("zhang", "opened"), ("li", "closed")]


def test_the_scores_page_lists_re_scored_reports_with_their_gap(own_store):
    truth = read_truth(CORPUS / "dev-010.truth.json")
    report_id = fetch(own_store, "select report_id from reports where file_name = 'dev-010.docx'")[0][0]
    first = truth["indicators"][0]
    conn = store.open_store(own_store)
    store.append_rows(conn, "rescores", [{
        "report_id": report_id, "line_no": 1, "indicator": first["name"], "self_score": first["score"],
        "weight": first["weight"], "score": first["score"] - 5, "criterion": "目标设定过低", "reason": "目标低于上年",
        "reviewer": "zhang", "rescored_at": dt.datetime(2026, 12, 6, 10)}])
    conn.close()
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    app.switch_page("app_pages/scores.py").run()
    open_tab(app, "scores_tab", "自评与复核")
    table = next(frame.value for frame in app.dataframe if "rescore_total" in frame.value.columns)
    row = table.row(0, named=True) if hasattr(table, "row") else table.iloc[0]
    assert row["file_name"] == "dev-010.docx"
    assert row["self_score"] == truth["report"]["self_score"]
    assert row["rescore_total"] == truth["report"]["self_score"] - 5 and row["gap"] == -5
    assert row["rescore_grade"] == "良"          # 87 − 5 = 82


def test_three_indicators_re_scored_beside_their_evidence_the_total_live_and_saved(own_store):
    truth = read_truth(CORPUS / "dev-029.truth.json")
    report_id = fetch(own_store, "select report_id from reports where file_name = 'dev-029.docx'")[0][0]
    add(own_store, "zhang", "auditor", "张审计")
    app = signed_in("zhang", page="rescore.py")
    app.query_params["id"] = report_id
    app.run()
    indicators = truth["indicators"]
    boxes = {box.key: box for box in app.number_input}
    assert [boxes[f"rescore_{report_id}_{line}_score"].value for line in range(1, len(indicators) + 1)] == [
        item["score"] for item in indicators]
    assert next(m for m in app.metric if m.label == "复核总分").value == str(truth["report"]["self_score"])
    # Three rows lowered by 2 points: the total follows before anything is saved.
    for line in (1, 2, 3):
        app.number_input(key=f"rescore_{report_id}_{line}_score").set_value(indicators[line - 1]["score"] - 2).run()
    lowered = round(truth["report"]["self_score"] - 6, 2)
    assert next(m for m in app.metric if m.label == "复核总分").value == f"{lowered:g}"
    app.button(key="rescore_save").click().run()
    assert any("须选择复核口径并写明理由" in error.value for error in app.error)
    assert fetch(own_store, "select count(*) from rescores") == [(0,)]
    for line in (1, 2, 3):
        app.selectbox(key=f"rescore_{report_id}_{line}_criterion").set_value("目标设定过低")
        app.text_input(key=f"rescore_{report_id}_{line}_reason").input(f"第{line}项目标低于上年实际")
    app.run()
    app.button(key="rescore_save").click().run()
    assert not app.exception and "已保存 3 项复核。" in [success.value for success in app.success]
    assert fetch(own_store, "select line_no, indicator, self_score, score, criterion, reviewer from rescores "
                            "order by line_no") == [
        (line, indicators[line - 1]["name"], indicators[line - 1]["score"], indicators[line - 1]["score"] - 2,
         "目标设定过低", "zhang") for line in (1, 2, 3)]
    logged = fetch(own_store, "select user_name, target, params from audit_log where action = 'rescore'")
    assert [(user, target) for user, target, _ in logged] == [("zhang", report_id)]
    # Both working papers build, and each build is in the log under the user (after what the
    # copied page store's log held: other page tests export from it).
    before = fetch(own_store, "select coalesce(max(seq), 0) from audit_log")[0][0]
    for what in ("rescore_xlsx", "rescore_docx"):
        app.button(key=f"export_{what}_prepare").click().run()
        assert not app.exception
    assert len(app.get("download_button")) == 2
    assert fetch(own_store, "select user_name, json_extract_string(params, '$.what') from audit_log "
                            "where action = 'export' and seq > ? order by seq", [before]) == [
        ("zhang", "rescore_xlsx"), ("zhang", "rescore_docx")]


def test_a_store_with_users_that_cannot_be_read_keeps_the_pages_closed(own_store, monkeypatch):
    add(own_store, "zhang", "auditor")
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    assert [title.value for title in app.title] == ["请登录"]         # users seen in this store
    from app_pages import data

    real_run = data.run

    def busy(name, **params):
        if name == "users_current":
            raise data.StoreUnavailable("数据库正忙")
        return real_run(name, **params)

    monkeypatch.setattr(data, "run", busy)
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    assert [warning.value for warning in app.warning] == ["数据库正忙"] and not app.get("metric")
