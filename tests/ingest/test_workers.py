"""The parsing workers start clean: they never re-run the caller's main script."""
from __future__ import annotations

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
