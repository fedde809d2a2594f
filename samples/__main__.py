"""python -m samples OUT --count N [--seed S] [--rate RULE=P ...] [--xlsx], or OUT --panel [--seed S]"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from samples import write_samples
from samples.panel import write_panel
from samples.plan import DEFAULT_RATES
from samples.workbook import write_workbooks


def _parse_rate(text: str) -> tuple[str, float]:
    rule, _, value = text.partition("=")
    rule = rule.strip().upper()
    if rule not in DEFAULT_RATES or not value:
        raise argparse.ArgumentTypeError(f"expected RULE=P with RULE one of {', '.join(DEFAULT_RATES)}")
    rate = float(value)
    if not 0 <= rate <= 1:
        raise argparse.ArgumentTypeError("a rate is a probability between 0 and 1")
    return rule, rate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m samples",
        description="Write sample 项目支出绩效自评报告 (.docx, or .xlsx 自评表) with truth files.")
    parser.add_argument("out", type=Path, help="folder to write into (created if missing)")
    parser.add_argument("--count", type=int, default=30, help="how many reports (default 30)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--rate", type=_parse_rate, action="append", default=[], metavar="RULE=P",
                        help="share of reports to plant RULE in (repeatable; defaults in samples/plan.py)")
    parser.add_argument("--xlsx", action="store_true",
                        help="write N 自评表 workbooks (.xlsx: one report, or one per sheet) instead of .docx")
    parser.add_argument("--panel", action="store_true",
                        help="write the multi-year panel of samples/panel.py instead (only --seed applies)")
    args = parser.parse_args(argv)
    if args.panel and (args.xlsx or args.rate):
        parser.error("--panel takes only --seed")
    if args.count < 0:
        parser.error("--count must be at least 0")
    if args.panel:
        paths = write_panel(args.out, args.seed)
        print(f"wrote {len(paths)} panel reports to {args.out}")
        return 0
    if args.xlsx:
        paths = write_workbooks(args.out, args.count, args.seed, dict(args.rate))
        reports = sum(len(list(args.out.glob(f"{path.stem}.*truth.json"))) for path in paths)
        print(f"wrote {len(paths)} workbooks ({reports} reports) to {args.out}")
        return 0
    paths = write_samples(args.out, args.count, args.seed, dict(args.rate))
    print(f"wrote {len(paths)} reports to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
