"""samples/__main__.py: python -m samples OUT --count N --seed S [--rate RULE=P]."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import ROOT

from samples.__main__ import main


def test_command_line(tmp_path, capsys):
    out = tmp_path / "new" / "folder"
    assert main([str(out), "--count", "3", "--seed", "5", "--rate", "year_mismatch=1"]) == 0
    assert len(list(out.glob("*.docx"))) == 3 and len(list(out.glob("*.truth.json"))) == 3
    assert "3" in capsys.readouterr().out
    truth = json.loads((out / "sample-00002.truth.json").read_text(encoding="utf-8"))
    assert {"rule": "YEAR_MISMATCH", "subject": None} in truth["anomalies"]
    with pytest.raises(SystemExit):
        main([str(out), "--rate", "NO_SUCH_RULE=0.5"])


def test_runs_as_a_module(tmp_path):
    done = subprocess.run([sys.executable, "-m", "samples", str(tmp_path), "--count", "2", "--seed", "3"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "sample-00001.docx", "sample-00001.truth.json", "sample-00002.docx", "sample-00002.truth.json"]


def test_workbooks_from_the_command_line(tmp_path, capsys):
    assert main([str(tmp_path), "--count", "4", "--seed", "5", "--xlsx"]) == 0
    workbooks = sorted(tmp_path.glob("*.xlsx"))
    truths = sorted(tmp_path.glob("*.truth.json"))
    assert len(workbooks) == 4 and len(truths) >= 4
    assert f"wrote 4 workbooks ({len(truths)} reports)" in capsys.readouterr().out
    for path in truths:
        truth = json.loads(path.read_text(encoding="utf-8"))
        assert (tmp_path / truth["file"]).exists() and truth["shape"] == "zibiao"
        assert ("sheet" in truth) == (path.name.count(".") == 3)      # X.N.truth.json for sheet N
