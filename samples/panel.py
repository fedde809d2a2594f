"""A panel: generated reports over several fiscal years with patterns planted across years,
units and a province, for the tests of unit profiles, rankings and provincial rule sets.

    1. a steady full scorer: one unit's one project, a report a year, each self-scored 100
       while its execution rate falls by STEADY_FALL points a year (FULL_SCORE_PARTIAL_EXECUTION);
    2. a copied narrative: one unit's project in two adjacent years, the later report's
       narrative the earlier's (NARRATIVE_REPEATS_LAST_YEAR);
    3. a full-score department: DEPT_REPORTS reports under one supervising department, from
       at least DEPT_UNITS units, all but one self-scored 100;
    4. a province with bands of its own to come: PROVINCE_REPORTS reports of OWN_BANDS_PROVINCE
       scored 85.00–89.99 and graded 优 without stating bands, each a GRADE_SCORE_MISMATCH under
       the national bands (优 ≥ 90) and none under a provincial 优 ≥ 85;
    5. background: ordinary reports of generate(), their fiscal years spread over the panel's.

Every report is planned by plan_report like any other and kept where it fits its part; a
part's unit or department is then written into it (place, names, project) and it is moved to
its year (plan.in_year). No other report shares a part's place, or the province, so the
counts above are exact; the truth files follow from the plans, as generate()'s do.
"""
from __future__ import annotations

import itertools
import random
from dataclasses import replace
from pathlib import Path
from typing import Callable

from samples import Sample, generate
from samples.plan import DEFAULT_RATES, ELIGIBLE, GRADE_WORDS, Plan, in_year, plan_report, states_dept
from samples.reference import Place
from samples.truth import truth_of

# Part 4's province: a fixed name, so that a configuration can give it bands of its own. No
# other part, and no background report, is placed in it.
OWN_BANDS_PROVINCE = "江西省"
PROVINCE_REPORTS = 6
OWN_BANDS_SCORES = (8500, 8999)          # hundredths: 优 under 优 ≥ 85, 良 under the national 90
# Part 1: about STEADY_FIRST_EXECUTION % spent in the first year, STEADY_FALL points less each
# year after, each within ±STEADY_SPREAD: the falls stay above 5 points even after the amount
# spent is rounded (to 100 元 in budgets of 50 000 元 and more: 0.2 points at most). Sixteen
# years at most: the seventeenth would spend nothing.
STEADY_FIRST_EXECUTION = 98
STEADY_FALL = 6
STEADY_SPREAD = 0.25
# Part 3: the reports of one 人民政府's bureaus, one of them short of full marks.
DEPT_REPORTS = 20
DEPT_UNITS = 3
DEPT_SUFFIX = "人民政府"
# The background plants no pairs: renamed and filtered, a pair could lose its other half.
# The panel's only pair is part 2's.
BACKGROUND_RATES = {"DUPLICATE_REPORT": 0.0, "NARRATIVE_REPEATS_LAST_YEAR": 0.0}
# generate() is lazy: ask for more reports than the background can ever skip, take what it needs.
BACKGROUND_SUPPLY = 10**9


def generate_panel(seed: int = 0, years: tuple[int, ...] = (2020, 2021, 2022, 2023),
                   background: int = 40) -> list[Sample]:
    """The panel's reports named panel-00001.docx onwards, the parts in the order of the
    module docstring; the same arguments, the same samples (byte for byte)."""
    years = tuple(sorted(set(years)))
    if len(years) < 2:
        raise ValueError("a panel spans at least two fiscal years")
    rng = random.Random(f"jixiao-panel:{seed}")
    taken: set[str] = set()                  # place prefixes of parts 1–3
    steady = _steady_unit(rng, years, taken)
    pair = _repeated_narrative(rng, years, taken)
    department = _full_score_department(rng, years, taken)
    province = _own_bands_province(rng, years)
    plans = [*steady, *pair, *department, *province, *_background(seed, rng, years, background, taken)]
    for number, plan in enumerate(plans, 1):
        plan.index, plan.name = number, f"panel-{number:05d}.docx"
    earlier, later = pair
    later.repeats_of = earlier.name          # a name it has only now
    return [Sample(plan.name, truth_of(plan), plan) for plan in plans]


def write_panel(folder: Path, seed: int = 0) -> list[Path]:
    """Write the panel's reports and truth files into `folder` (created if missing)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return [sample.write(folder) for sample in generate_panel(seed)]


# -- drawing --------------------------------------------------------------------------------
def _draw(rng: random.Random, rates: dict[str, float], fits: Callable[[Plan], bool],
          spent_share: tuple[float, float] | None = None) -> Plan:
    """The first plan drawn that `fits`: the generator's own planting, kept where it fits a
    part (named later, by generate_panel)."""
    while True:
        plan = plan_report(0, "", random.Random(rng.getrandbits(64)), rates, spent_share)
        if fits(plan):
            return plan


def _free(plan: Plan, taken: set[str]) -> bool:
    """Whether a part may take the plan's place: not another part's, not the province's."""
    return plan.place.province != OWN_BANDS_PROVINCE and plan.place.prefix not in taken


def _placeable(plan: Plan, place: Place) -> bool:
    """Whether `plan` can be moved to `place`: the same kind of place, as twin_of asks (its
    sources and wording name the 区/县 level, 自治区 or not, a province apart from the city)."""
    kind = (place.level_word, place.autonomous, place.municipality)
    return (plan.place.level_word, plan.place.autonomous, plan.place.municipality) == kind


# -- the parts ------------------------------------------------------------------------------
def _steady_unit(rng: random.Random, years: tuple[int, ...], taken: set[str]) -> list[Plan]:
    """One unit's one project, a report a year, its execution rate STEADY_FALL points below
    the year before's (part 1). FULL_SCORE_PARTIAL_EXECUTION is planted in every report: the
    generator then scores it 100 with part of the budget unspent."""
    rates = {**DEFAULT_RATES, "FULL_SCORE_PARTIAL_EXECUTION": 1.0}
    first = _draw(rng, rates, lambda plan: _free(plan, taken), _spent_share(0))
    taken.add(first.place.prefix)
    plans = [first]
    for step in range(1, len(years)):
        drawn = _draw(rng, rates, lambda plan: plan.domain == first.domain and _placeable(plan, first.place),
                      _spent_share(step))
        plans.append(replace(drawn, place=first.place, unit_suffix=first.unit_suffix,
                             dept_suffix=first.dept_suffix, project=first.project))
    return [in_year(plan, year) for plan, year in zip(plans, years)]


def _spent_share(step: int) -> tuple[float, float]:
    """The share of its budget the steady unit spends in the year `step` years after its first."""
    centre = STEADY_FIRST_EXECUTION - STEADY_FALL * step
    return (centre - STEADY_SPREAD) / 100, (centre + STEADY_SPREAD) / 100


def _repeated_narrative(rng: random.Random, years: tuple[int, ...], taken: set[str]) -> tuple[Plan, Plan]:
    """One unit's report on one project in two adjacent years of the panel, every sentence of
    the earlier repeated in the later (part 2; generate_panel names the earlier in the later)."""
    repeatable = ELIGIBLE["NARRATIVE_REPEATS_LAST_YEAR"]
    plan = _draw(rng, DEFAULT_RATES, lambda plan: _free(plan, taken) and plan.shape in repeatable)
    taken.add(plan.place.prefix)
    at = rng.randrange(len(years) - 1)
    return in_year(plan, years[at]), in_year(plan, years[at + 1], layout_seed=rng.getrandbits(32))


def _full_score_department(rng: random.Random, years: tuple[int, ...], taken: set[str]) -> list[Plan]:
    """DEPT_REPORTS reports of one 人民政府's bureaus over the years, the first DEPT_UNITS from
    as many bureaus, all self-scored 100 but one (part 3). No two are one unit's report on one
    project in one year: that would be a revision, not another report."""
    place = _draw(rng, DEFAULT_RATES, lambda plan: _free(plan, taken)).place
    taken.add(place.prefix)
    short = rng.randrange(DEPT_REPORTS)
    plans: list[Plan] = []
    for number in range(DEPT_REPORTS):
        year = years[number % len(years)]
        seen = {(plan.unit_suffix, plan.project, plan.fiscal_year) for plan in plans}
        units = {plan.unit_suffix for plan in plans}

        def fits(plan: Plan) -> bool:
            return (plan.dept_suffix == DEPT_SUFFIX and states_dept(plan) and _placeable(plan, place)
                    and (plan.self_score < 10000) == (number == short)
                    and (plan.unit_suffix, plan.project, year) not in seen
                    and (number >= DEPT_UNITS or plan.unit_suffix not in units))

        plans.append(in_year(replace(_draw(rng, DEFAULT_RATES, fits), place=place), year))
    return plans


def _own_bands_province(rng: random.Random, years: tuple[int, ...]) -> list[Plan]:
    """PROVINCE_REPORTS reports of OWN_BANDS_PROVINCE scored within OWN_BANDS_SCORES and graded
    优 with no bands stated: GRADE_SCORE_MISMATCH as the generator plants it (part 4)."""
    rates = {**DEFAULT_RATES, "GRADE_SCORE_MISMATCH": 1.0}
    low, high = OWN_BANDS_SCORES

    def fits(plan: Plan) -> bool:
        return (plan.place.province == OWN_BANDS_PROVINCE and low <= plan.self_score <= high
                and not plan.bands_stated and plan.grade_raw in GRADE_WORDS["优"])

    return [in_year(_draw(rng, rates, fits), years[number % len(years)]) for number in range(PROVINCE_REPORTS)]


def _background(seed: int, rng: random.Random, years: tuple[int, ...], count: int, taken: set[str]) -> list[Plan]:
    """`count` ordinary reports of generate(seed), none placed where a part is or in the
    province; one of a year outside the panel's is moved to one of them."""
    drawn = (sample.plan for sample in generate(BACKGROUND_SUPPLY, seed, BACKGROUND_RATES))
    plans = itertools.islice((plan for plan in drawn if _free(plan, taken)), count)
    return [plan if plan.fiscal_year in years else in_year(plan, rng.choice(years)) for plan in plans]
