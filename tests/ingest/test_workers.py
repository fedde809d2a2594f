"""The parsing workers start clean (they never re-run the caller's main script), and a worker that
grows past the memory limit costs its one file."""
from __future__ import annotations

import json
import sys
import types

from conftest import CORPUS

from ingest import config
from ingest.pipeline import Task, gave_up, task_key
from ingest.workers import Pool


def test_workers_do_not_run_the_main_script(tmp_path, monkeypatch):
    # As in the dashboard, where the main module is the page script (app.py).
    marker = tmp_path / "ran.txt"
    script = tmp_path / "page_script.py"
    script.write_text(f"open({str(marker)!r}, 'a').write('ran\\n')\n", encoding="utf-8")
    main = types.ModuleType("__main__")
    main.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", main)
    pool = Pool(1, config.limits(config.load()))
    tasks = [Task(str(CORPUS / "dev-006.docx"), "dev-006.docx", "a" * 64, "")]
    results = [parsed for _, parsed in pool.run(tasks, key=task_key, failed=gave_up)]
    assert [r.status for r in results] == ["ok"]
    assert not marker.exists()
    assert sys.modules["__main__"] is main


MB = 1024 * 1024


def test_a_worker_past_the_memory_limit_costs_its_file_and_the_next_one_lands(tmp_path):
    truth = json.loads((CORPUS / "dev-006.truth.json").read_text(encoding="utf-8"))
    good = tmp_path / "good.docx"
    good.write_bytes((CORPUS / "dev-006.docx").read_bytes())
    # What a worker holds once it has parsed a normal report: the limit stands 150 MB above.
    measuring = Pool(1, config.limits(config.load()))
    (parsed,) = [parsed for _, parsed in measuring.run([Task(str(good), "good.docx", "a" * 64, "")],
                                                        key=task_key, failed=gave_up)]
    assert parsed.status == "ok" and measuring.peak_bytes > 0
    limit_mb = measuring.peak_bytes // MB + 150
    # Two million one-character lines (8 MB, far under the 50 MB file limit) become two
    # million paragraphs: about 450 MB more than an idle worker, held for the whole parse.
    big = tmp_path / "big.txt"
    big.write_bytes(("某项目支出绩效自评报告\n" + "年\n" * 2_000_000).encode("utf-8"))
    settings = config.load()
    settings = {**settings, "limits": {**settings["limits"], "worker_memory_mb": limit_mb, "seconds_per_file": 600}}
    pool = Pool(1, config.limits(settings))
    tasks = [Task(str(big), "big.txt", "b" * 64, ""), Task(str(good), "good.docx", "c" * 64, "")]
    results = {task.file_name: parsed for task, parsed in pool.run(tasks, key=task_key, failed=gave_up)}
    assert results["big.txt"].status == "failed"
    assert results["big.txt"].error.code == "worker.memory", results["big.txt"].error
    assert results["big.txt"].error.params["limit_mb"] == str(limit_mb)
    assert results["big.txt"].tables["reports"]["parse_status"] == ["failed"]
    assert pool.peak_bytes > limit_mb * MB          # the worker really grew past the limit
    # The file after it, read by the worker that replaced the stopped one, lands whole.
    assert results["good.docx"].status == "ok" and results["good.docx"].error is None
    assert results["good.docx"].tables["reports"]["project_name"] == [truth["report"]["project_name"]]


def test_a_long_parse_that_beats_after_each_page_is_timed_per_page():
    """Four pages of 0.4 s under a 1 s limit: the beating parse finishes, the silent one is
    stopped at the limit (ingest/heartbeat.py; OCR beats after each page)."""
    import slow_workers

    settings = config.load()
    limits = config.limits({**settings, "limits": {**settings["limits"], "seconds_per_file": 1.0}})
    tasks = [Task("scan.pdf", "scan.pdf", "d" * 64, "")]
    beating = Pool(1, limits, serve=slow_workers.serve_beating)
    (result,) = [parsed for _, parsed in beating.run(tasks, key=task_key, failed=gave_up)]
    assert result == "read scan.pdf"
    silent = Pool(1, limits, serve=slow_workers.serve_silent)
    (result,) = [parsed for _, parsed in silent.run(tasks, key=task_key, failed=gave_up)]
    assert result.status == "failed" and result.error.code == "worker.timeout"
