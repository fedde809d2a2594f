"""What follows an anomaly, in the store: users and their slow salted hashes, the lock-out,
the audit log's chain (an entry changed or removed afterwards is found; PostgreSQL refuses
the change outright), re-scores and rectifications read back by the pages' queries."""
from __future__ import annotations

import datetime as dt
import json

import psycopg
import pytest
from conftest import CORPUS, fetch, store_of_corpus
from throwaway_postgres import throwaway_postgres

import queries
from ingest import audit, pipeline, state, store, users
from ingest.__main__ import main as ingest_main
from ingest.pipeline import ingest
from truth import read_truth

NOW = dt.datetime(2026, 12, 6, 9, 30)


@pytest.fixture
def db(tmp_path):
    return store_of_corpus(tmp_path, ("dev-006.docx", "dev-010.docx", "seed-000.docx"))


def current(conn) -> dict[str, dict]:
    return {row["name"]: row for row in queries.run(conn, "users_current").iter_rows(named=True)}


def test_passwords_are_slow_salted_scrypt_hashes():
    first, second = users.hash_password("审计-2026-春"), users.hash_password("审计-2026-春")
    assert first.startswith(f"scrypt${users.SCRYPT_N}$8$1$") and first != second     # salted
    assert users.check_password("审计-2026-春", first) and users.check_password("审计-2026-春", second)
    assert not users.check_password("审计-2026-夏", first)
    assert not users.check_password("x", "sha256$abc") and not users.check_password("x", None)


def test_users_are_added_and_changed_as_new_rows_the_latest_counting(db):
    conn = store.open_store(db)
    try:
        users.add_user(conn, current(conn), " Zhang ", "password-1", "admin", "张审计", by="cli:root")
        users.add_user(conn, current(conn), "li", "password-2", "auditor", by="zhang")
        with pytest.raises(users.UserError, match="已存在"):
            users.add_user(conn, current(conn), "ZHANG", "password-3", "auditor")
        with pytest.raises(users.UserError, match="至少 8"):
            users.add_user(conn, current(conn), "wang", "short", "auditor")
        with pytest.raises(users.UserError, match="角色"):
            users.add_user(conn, current(conn), "wang", "password-4", "boss")
        users.change_user(conn, current(conn), "li", "zhang", role="lead")
        users.change_user(conn, current(conn), "li", "zhang", active=False)
        now = current(conn)
        assert now["zhang"]["display_name"] == "张审计" and now["zhang"]["role"] == "admin"
        assert now["li"]["role"] == "lead" and now["li"]["active"] is False
        assert users.check_password("password-2", now["li"]["password_hash"])      # kept through the changes
        assert conn.execute("select count(*) from users").fetchall()[0][0] == 4
        logged = conn.execute("select user_name, action, target, params from audit_log order by seq").fetchall()
    finally:
        conn.close()
    assert [(user, action, target, json.loads(params)["change"]) for user, action, target, params in logged] == [
        ("cli:root", "user", "zhang", "added"), ("zhang", "user", "li", "added"),
        ("zhang", "user", "li", "changed"), ("zhang", "user", "li", "deactivated")]


def test_repeated_failures_lock_the_name_for_a_while():
    rule = users.Lockout(failures=3, minutes=15)
    found = {"name": "li", "display_name": "", "role": "auditor", "active": True,
             "password_hash": users.hash_password("password-2")}
    fails = [NOW - dt.timedelta(minutes=minutes) for minutes in (10, 5, 1)]
    assert users.authenticate(found, "password-2", fails[:2], None, rule, NOW)[1] == "ok"
    assert users.authenticate(found, "password-2", fails, None, rule, NOW) == (None, "locked")
    assert users.locked_until(fails, None, rule, NOW) == NOW - dt.timedelta(minutes=1) + dt.timedelta(minutes=15)
    # A success after the failures, or failures older than the window, do not lock.
    assert users.authenticate(found, "password-2", fails, NOW - dt.timedelta(seconds=30), rule, NOW)[1] == "ok"
    assert users.authenticate(found, "password-2", fails, None, rule, NOW + dt.timedelta(minutes=15))[1] == "ok"
    assert users.authenticate(found, "wrong-one", [], None, rule, NOW) == (None, "wrong")
    assert users.authenticate(None, "password-2", [], None, rule, NOW) == (None, "wrong")
    assert users.authenticate({**found, "active": False}, "password-2", [], None, rule, NOW) == (None, "wrong")


def test_the_audit_log_chain_finds_an_entry_changed_or_removed(db):
    conn = store.open_store(db)
    try:
        for number in range(5):
            audit.record(conn, "zhang", "export", f"异常_{number}.xlsx", {"years": [2023], "n": number})
        chain = lambda: queries.run(conn, "audit_log_chain").iter_rows(named=True)  # noqa: E731
        assert [row["seq"] for row in chain()] == [1, 2, 3, 4, 5]
        assert audit.verify(chain()) is None
        # Nothing in the code updates or deletes an entry; done by hand, the chain says where.
        conn.execute("update audit_log set user_name = 'li' where seq = 3")
        assert audit.verify(chain()) == 3
        conn.execute("update audit_log set user_name = 'zhang' where seq = 3")
        assert audit.verify(chain()) is None
        conn.execute("delete from audit_log where seq = 2")
        assert audit.verify(chain()) == 2
    finally:
        conn.close()
    with pytest.raises(ValueError, match="unknown audit action"):
        audit.entry("zhang", "drop_everything")


def test_postgresql_refuses_to_change_the_audit_log(monkeypatch):
    with throwaway_postgres() as url:
        monkeypatch.setenv(state.STATE_URL_VARIABLE, url)
        audit.record(None, "zhang", "sign_in", "zhang")
        audit.record(None, "zhang", "export", "异常.xlsx", {"years": [2024]})
        rows = [dict(zip(("seq", "logged_at", "user_name", "action", "target", "params", "prev_hash", "hash"), row))
                for row in psycopg.connect(url).execute(
                    "select seq, logged_at, user_name, action, target, params, prev_hash, hash from audit_log").fetchall()]
        assert [row["seq"] for row in rows] == [1, 2] and audit.verify(rows) is None
        with psycopg.connect(url, autocommit=True) as conn:
            for statement in ("update audit_log set user_name = 'li'", "delete from audit_log",
                              "truncate audit_log"):
                with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                    conn.execute(statement)
            assert conn.execute("select count(*) from audit_log").fetchall()[0][0] == 2
        state.shared().close_connection()


def test_rescores_append_and_the_sheet_shows_the_latest_beside_the_truth(db):
    truth = read_truth(CORPUS / "dev-010.truth.json")
    conn = store.open_store(db)
    try:
        report_id = conn.execute("select report_id from reports where file_name = 'dev-010.docx'").fetchall()[0][0]
        first = truth["indicators"][0]
        rows = [{"report_id": report_id, "line_no": 1, "indicator": first["name"], "self_score": first["score"],
                 "weight": first["weight"], "score": first["score"] - 2, "criterion": "目标设定过低",
                 "reason": "目标值低于上年实际", "reviewer": "zhang", "rescored_at": NOW},
                {"report_id": report_id, "line_no": 1, "indicator": first["name"], "self_score": first["score"],
                 "weight": first["weight"], "score": first["score"] - 1, "criterion": "目标设定过低",
                 "reason": "复议后调整", "reviewer": "li", "rescored_at": NOW + dt.timedelta(hours=1)}]
        assert store.append_rows(conn, "rescores", rows) == 2
        queries.prepare(conn)                   # report_rule_sets: the execution row's weight
        sheet = queries.run(conn, "rescore_sheet", report_id=report_id)
    finally:
        conn.close()
    indicators = sheet.filter(sheet["line_no"] > 0)
    assert indicators["name"].to_list() == [row["name"] for row in truth["indicators"]]
    assert indicators["self_score"].to_list() == [row["score"] for row in truth["indicators"]]
    assert indicators["weight"].to_list() == [row["weight"] for row in truth["indicators"]]
    top = indicators.row(0, named=True)
    assert (top["rescore"], top["reviewer"], top["reason"], top["rescores"]) == (first["score"] - 1, "li", "复议后调整", 2)
    execution = sheet.filter(sheet["line_no"] == 0).row(0, named=True)
    report = truth["report"]
    rate = report["spent"] / (report["budget_adjusted"] or report["budget_planned"]) * 100
    assert execution["computed"] == round(10 * min(1.0, rate / 100), 2)
    assert execution["self_score"] == 9.0          # dev-010 states its execution-rate score


def test_rectifications_list_overdue_first_with_their_history(db):
    conn = store.open_store(db)
    try:
        ids = dict(conn.execute("select file_name, report_id from reports").fetchall())
        step = lambda rect, report, status, deadline, at, by="zhang": {  # noqa: E731
            "rect_id": rect, "report_id": ids[report], "rule": "OVERSPEND_LINE", "subject": "差旅费",
            "requirement": "退回超支部分", "owner": "财务科", "deadline": deadline, "status": status,
            "note": None, "changed_by": by, "changed_at": at}
        store.append_rows(conn, "rectifications", [
            step("a", "dev-006.docx", "open", dt.date(2026, 12, 31), NOW),
            step("b", "dev-010.docx", "open", dt.date(2026, 11, 30), NOW),                  # overdue
            step("c", "seed-000.docx", "in progress", dt.date(2026, 11, 1), NOW),
            step("c", "seed-000.docx", "done", dt.date(2026, 11, 1), NOW + dt.timedelta(hours=2), by="lead1"),
        ])
        queries.prepare(conn)
        listed = queries.run(conn, "rectifications_current", today=dt.date(2026, 12, 6), **scope_params())
        history = queries.run(conn, "rectification_history", rect_id="c")
    finally:
        conn.close()
    assert listed.select("rect_id", "status").rows() == [("b", "overdue"), ("a", "open"), ("c", "done")]
    assert listed.filter(listed["rect_id"] == "c")["opened_by"].to_list() == ["zhang"]
    assert history.select("status", "changed_by").rows() == [("in progress", "zhang"), ("done", "lead1")]


def scope_params() -> dict:
    """No filter set: every report."""
    from app_pages.filters import Filters

    return Filters().params()


def test_a_user_is_added_from_the_command_line(db, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("审计-2026-春\n"))
    assert ingest_main(["--add-user", "Zhao", "--role", "lead", "--display-name", "赵组长", "--password-stdin",
                        "--db", str(db)]) == 0
    found = fetch(db, "select name, display_name, role, active, password_hash from users")
    assert [row[:4] for row in found] == [("zhao", "赵组长", "lead", True)]
    assert users.check_password("审计-2026-春", found[0][4])
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("short\n"))
    assert ingest_main(["--add-user", "qian", "--password-stdin", "--db", str(db)]) == 2
    assert "至少 8" in capsys.readouterr().err
    assert fetch(db, "select action, target from audit_log where action = 'user'") == [("user", "zhao")]


def test_a_deleted_report_is_gone_everywhere_kept_in_the_archive_and_restorable(db, tmp_path):
    truth = read_truth(CORPUS / "dev-006.truth.json")
    report_id = fetch(db, "select report_id from reports where file_name = 'dev-006.docx'")[0][0]
    conn = store.open_store(db)
    store.add_reviews(conn, [{"report_id": report_id, "rule": "MISSING_FIELDS", "subject": "", "status": "confirmed",
                              "comment": "已核实"}], reviewer="zhang")
    conn.close()
    row = pipeline.delete_report(db, report_id, "admin1", "重复上传")
    assert (row["file_name"], row["action"], row["user_name"]) == ("dev-006.docx", "deleted", "admin1")
    for table in ("reports", "budget_lines", "indicators", "anomalies", "mentions", "provenance", "funding_sources",
                  "report_texts", "report_signatures", "rules_checked"):
        assert fetch(db, f"select count(*) from {table} where report_id = ?", [report_id]) == [(0,)], table
    assert (store.archive_dir(db) / row["archive_path"]).is_file()
    assert fetch(db, "select user_name, action, target from audit_log where action = 'delete'") == [
        ("admin1", "delete", report_id)]
    # Offered again, the file is skipped, not brought back behind the admin's back.
    summary = ingest([tmp_path / "in"], db, workers=1)
    assert summary.skipped == 3 and fetch(db, "select count(*) from reports where report_id = ?", [report_id]) == [(0,)]
    assert "删除" in fetch(db, "select error from ingest_log where file_name = 'dev-006.docx' order by logged_at desc "
                               "limit 1")[0][0]
    pipeline.restore_report(db, report_id, "admin1")
    assert fetch(db, "select file_name, budget_planned, self_score from reports where report_id = ?", [report_id]) == [
        ("dev-006.docx", truth["report"]["budget_planned"], truth["report"]["self_score"])]
    assert fetch(db, "select name from indicators where report_id = ? order by line_no", [report_id]) == [
        (item["name"],) for item in truth["indicators"]]
    assert fetch(db, "select status from reviews where report_id = ?", [report_id]) == [("confirmed",)]
    assert fetch(db, "select action from audit_log where target = ? order by seq", [report_id]) == [
        ("delete",), ("restore",)]
    with pytest.raises(store.StoreError):
        pipeline.restore_report(db, report_id, "admin1")
