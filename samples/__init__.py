"""Sample 项目支出绩效自评报告 with their truth files: for tests, demos and benchmarks. Apart
from the parser (`ingest/`): it imports none of its code, only its reference tables.

    python -m samples OUT --count N [--seed S] [--rate RULE=P ...]

writes OUT/sample-00001.docx with OUT/sample-00001.truth.json (the format of
../shared/corpus/README.md) and so on. The same seed gives the same files, byte for byte.
`python -m samples OUT --panel [--seed S]` writes the panel instead (panel.py): reports over
several fiscal years with patterns planted across years, units, a department and a province.

Each report is first planned (`plan.py`: every number, name, date and which sentences it
carries) and only then laid out (`layout.py`) and written as Word XML (`wordxml.py`). The
truth file (`truth.py`) follows from the plan alone, so `generate()` yields 100k truths in
seconds and `Sample.render()` is the only slow step (a few milliseconds a report).

The three shapes of SPEC §1 (cover + 基本概况 table, 财预〔2020〕10号 自评表 with a short
narrative, narrative only) are written in wordings of our own (`words.py`, `layout.py`),
none taken from the corpus the parser is tested on (`tests/samples/test_words.py`).
"""
from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from samples import layout, wordxml
from samples.plan import (DEFAULT_RATES, ELIGIBLE, Plan, eligible_share, movable_a_year, plan_report, twin_of,
                          year_apart)
from samples.truth import truth_of

# Of the pairs of one project's reports a year apart, the share whose later report was
# written anew (NARRATIVE_REPEATS_LAST_YEAR's near miss: the same unit and project, another
# year, other words).
REWRITTEN_SHARE = 0.25
# Word's habits are drawn from a stream of their own, apart from the layout's choices (which
# use layout_seed as it is): a layout change does not reshuffle the habits.
WORD_HABITS_SALT = 0x5EED


@dataclass(frozen=True)
class Sample:
    """One generated report: its file name, its truth, and the .docx on demand."""

    name: str
    truth: dict
    plan: Plan = field(repr=False, compare=False)

    @property
    def stem(self) -> str:
        return self.name.removesuffix(".docx")

    def render(self, quirks: set[str] | None = None) -> bytes:
        """The .docx file's bytes (deterministic); `quirks` forces Word's habits on or off."""
        plan = self.plan
        return wordxml.docx(layout.blocks_of(plan), layout.header_blocks(plan), plan.layout_seed ^ WORD_HABITS_SALT,
                            quirks, title=plan.project, creator=plan.unit,
                            created=dt.datetime.combine(plan.report_date, dt.time(9, 0)))

    def write(self, folder: Path) -> Path:
        path = Path(folder) / self.name
        path.write_bytes(self.render())
        truth = json.dumps(self.truth, ensure_ascii=False, indent=2)
        (Path(folder) / f"{self.stem}.truth.json").write_text(truth + "\n", encoding="utf-8")
        return path


def generate(count: int, seed: int = 0, rates: dict[str, float] | None = None,
             start: int = 1) -> Iterator[Sample]:
    """`count` samples named sample-{start:05d}.docx onwards; the same arguments, the same samples."""
    rates = {**DEFAULT_RATES, **(rates or {})}
    master = random.Random(f"jixiao-samples:{seed}")
    number = start
    end = start + count
    while number < end:
        name = f"sample-{number:05d}.docx"
        sub = random.Random(master.getrandbits(64))
        plan = plan_report(number, name, sub, rates)
        pair = (plan.shape in ELIGIBLE["DUPLICATE_REPORT"] and number + 1 < end
                and sub.random() < rates.get("DUPLICATE_REPORT", 0.0) / 2 / eligible_share("DUPLICATE_REPORT"))
        repeated = (not pair and plan.shape in ELIGIBLE["NARRATIVE_REPEATS_LAST_YEAR"] and number + 1 < end
                    and movable_a_year(plan) and random.Random(f"{plan.text_seed}:repeat").random()
                    < rates.get("NARRATIVE_REPEATS_LAST_YEAR", 0.0) / 2 / eligible_share("NARRATIVE_REPEATS_LAST_YEAR"))
        if repeated:
            # The other year's report takes the draw the next report would have had, so the
            # reports after the pair are those of a run without it.
            other_name = f"sample-{number + 1:05d}.docx"
            other_rng = random.Random(master.getrandbits(64))
            other = year_apart(plan, number + 1, other_name, other_rng)
            if other_rng.random() < REWRITTEN_SHARE:
                other.text_seed = other_rng.getrandbits(32)     # written anew: the near miss
            else:
                earlier, later = (plan, other) if plan.fiscal_year < other.fiscal_year else (other, plan)
                later.repeats_of = earlier.name
            yield Sample(name, truth_of(plan), plan)
            yield Sample(other_name, truth_of(other), other)
            number += 2
            continue
        if not pair:
            yield Sample(name, truth_of(plan), plan)
            number += 1
            continue
        twin_name = f"sample-{number + 1:05d}.docx"
        twin = twin_of(plan, number + 1, twin_name, sub)
        plan.duplicate_of, twin.duplicate_of = twin_name, name
        yield Sample(name, truth_of(plan), plan)
        yield Sample(twin_name, truth_of(twin), twin)
        number += 2


def write_samples(folder: Path, count: int, seed: int = 0, rates: dict[str, float] | None = None) -> list[Path]:
    """Write `count` reports and their truth files into `folder` (created if missing)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return [sample.write(folder) for sample in generate(count, seed, rates)]
