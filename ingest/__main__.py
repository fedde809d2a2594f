"""python -m ingest PATH... [--db FILE] [--reparse] | --rules-only [--config FILE] | --export-parquet FOLDER

Exit status 0 when the run completed, even if some files failed (their reasons are in
ingest_log and in the summary); 2 for a usage error; 1 for an unusable store.
"""
from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TaskProgressColumn, TextColumn,
                           TimeElapsedColumn, TimeRemainingColumn)
from rich.table import Table

import queries
from ingest import PARSER_VERSION, audit, config, store, users
from ingest.pipeline import Summary, apply_rules, ingest, reparse
from ingest.rules import RULES



class RateColumn(TextColumn):
    """Files per second."""

    def __init__(self):
        super().__init__("")

    def render(self, task):
        speed = task.finished_speed or task.speed
        return super().render(task) if speed is None else f"{speed:,.1f} 份/秒"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m ingest",
        description="把项目支出绩效自评报告（.docx / .txt）导入 DuckDB 数据库。",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="文件或文件夹（递归查找 .docx/.txt）")
    parser.add_argument("--db", help=f"数据库文件（默认 $JIXIAO_DB 或 {store.DEFAULT_STORE}）")
    parser.add_argument("--reparse", action="store_true",
                        help="用当前解析器版本重新解析已归档的全部原件")
    parser.add_argument("--rules-only", action="store_true",
                        help="只重新运行异常规则（修改阈值后使用），在一个事务中完成")
    parser.add_argument("--export-parquet", metavar="FOLDER",
                        help="把数据库导出为 Parquet（按年度和省份分区），供多台机器或其他工具读取")
    parser.add_argument("--config", help="阈值配置文件（默认 $JIXIAO_CONFIG 或 jixiao.toml）")
    parser.add_argument("--workers", type=int, default=None, help="解析进程数（默认：全部 CPU 核）")
    parser.add_argument("--quiet", action="store_true", help="不显示进度条")
    parser.add_argument("--add-user", metavar="NAME", help="添加可登录看板的用户（密码从终端输入，或用 --password-stdin）")
    parser.add_argument("--role", choices=users.ROLES, default="auditor", help="--add-user 的角色（默认 auditor）")
    parser.add_argument("--display-name", help="--add-user 的显示名")
    parser.add_argument("--password-stdin", action="store_true", help="--add-user 的密码从标准输入读一行")
    return parser


def print_summary(console: Console, summary: Summary, db: Path) -> None:
    table = Table(title=f"导入结果（解析器 {PARSER_VERSION}，数据库 {db}）")
    table.add_column("项目")
    table.add_column("数量", justify="right")
    table.add_row("提交文件", str(summary.offered))
    table.add_row("已导入（完整）", str(summary.ok))
    table.add_row("已导入（部分字段缺失）", str(summary.partial))
    table.add_row("失败", str(summary.failed), style="red" if summary.failed else None)
    table.add_row("跳过（内容未变）", str(summary.skipped))
    rate = f"（解析 {summary.files_per_second:.1f} 份/秒）" if summary.files_per_second else ""
    table.add_row("用时", f"{summary.seconds:.1f} 秒{rate}")
    console.print(table)
    if summary.failures:
        failed = Table(title="失败的文件及原因", show_lines=False)
        failed.add_column("文件")
        failed.add_column("原因")
        for name, reason in summary.failures[:50]:
            failed.add_row(name, str(reason))
        if len(summary.failures) > 50:
            failed.add_row("…", f"另有 {len(summary.failures) - 50} 个，见 ingest_log 表")
        console.print(failed)


def print_anomalies(console: Console, counts: dict[str, int]) -> None:
    table = Table(title="异常规则结果")
    table.add_column("规则")
    table.add_column("发现", justify="right")
    for rule in RULES:
        table.add_row(rule, str(counts.get(rule, 0)))
    console.print(table)


def export_parquet(console: Console, db: Path, target: Path) -> int:
    if not db.is_file():
        console.print(f"[red]错误：数据库 {db} 不存在")
        return 1
    try:
        manifest = store.export_parquet(db, target, on_table=lambda name, rows: console.print(
            f"  {name}：{rows:,} 行"))
    except store.StoreError as exc:
        console.print(f"[red]错误：{exc}")
        return 1
    reports = manifest["tables"]["reports"]["rows"]
    console.print(f"已导出 {reports:,} 份报告到 {target}（按 {' / '.join(manifest['partition_by'])} 分区）。"
                  f"看板可直接读取：JIXIAO_DB={target} streamlit run app.py")
    return 0


def operator() -> str:
    """Who runs the command line, as the audit log names them: cli:<login>."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def record(db: Path, action: str, target: str | None, params: dict) -> None:
    """An audit-log entry for this command (shared PostgreSQL state when configured)."""
    from ingest import state     # here: the PostgreSQL driver only when it is needed

    if state.configured():
        audit.record(None, operator(), action, target, params)
        return
    conn = store.open_store(db)
    try:
        audit.record(conn, operator(), action, target, params)
    finally:
        conn.close()


def add_user(console: Console, db: Path, args) -> int:
    from ingest import state

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("密码：")
        if getpass.getpass("再次输入密码：") != password:
            console.print("[red]错误：两次输入的密码不一致")
            return 2
    try:
        conn = None if state.configured() else store.open_store(db)
        try:
            current = {row[0]: dict(zip(("name", "display_name", "role", "password_hash", "active"), row))
                       for row in (state_users() if conn is None else conn.execute(
                           queries.sql("users_current")).fetchall())}
            name = users.add_user(conn, current, args.add_user, password, args.role, args.display_name, operator())
        finally:
            if conn is not None:
                conn.close()
    except users.UserError as exc:
        console.print(f"[red]错误：{exc}")
        return 2
    except (store.StoreError, state.StateUnavailable) as exc:
        console.print(f"[red]错误：{exc}")
        return 1
    console.print(f"已添加用户 {name}（{args.role}）。看板从此需要登录。")
    return 0


def state_users() -> list[tuple]:
    """The users' current rows from the shared PostgreSQL state, as users_current reads them."""
    import duckdb

    from ingest import state

    conn = duckdb.connect(":memory:")
    try:
        snapshot = state.shared().snapshot()
        conn.register("users", snapshot.tables["users"])
        return conn.execute(queries.sql("users_current")).fetchall()
    finally:
        conn.close()


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.add_user:
        if args.paths or args.reparse or args.rules_only or args.export_parquet:
            parser.error("--add-user 只能单独使用")
        return add_user(Console(stderr=True), store.store_path(args.db), args)
    if args.rules_only and (args.paths or args.reparse):
        parser.error("--rules-only 不能与文件或 --reparse 同时使用")
    if args.export_parquet and (args.paths or args.reparse or args.rules_only):
        parser.error("--export-parquet 不能与文件、--reparse 或 --rules-only 同时使用")
    if not args.paths and not args.reparse and not args.rules_only and not args.export_parquet:
        parser.error("请给出要导入的文件或文件夹，或使用 --reparse / --rules-only / --export-parquet / --add-user")
    try:
        settings = config.load(args.config)
    except (OSError, ValueError) as exc:
        parser.error(f"无法读取配置文件：{exc}")
    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        parser.error("找不到：" + "、".join(missing))
    db = store.store_path(args.db)
    console = Console(stderr=True)
    progress = Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TaskProgressColumn(),
        RateColumn(), TimeElapsedColumn(), TextColumn("剩余"), TimeRemainingColumn(),
        console=console, disable=args.quiet, transient=False,
    )
    task = progress.add_task("解析报告", total=None)

    def on_total(total: int) -> None:
        progress.update(task, total=total)

    def on_progress(done: int, total: int, parsed) -> None:
        progress.update(task, completed=done, total=total)

    def on_wait(message: str) -> None:
        progress.console.print(f"[yellow]{message}")

    if args.export_parquet:
        return export_parquet(console, db, Path(args.export_parquet))
    if args.rules_only:
        if not db.exists():
            console.print(f"[red]错误：数据库 {db} 不存在")
            return 1
        try:
            counts = apply_rules(db, settings, on_wait=lambda message: console.print(f"[yellow]{message}"))
        except store.StoreError as exc:
            console.print(f"[red]错误：{exc}")
            return 1
        print_anomalies(console, counts)
        return 0
    try:
        with progress:
            if args.reparse:
                summary = reparse(db, workers=args.workers, on_progress=on_progress, on_wait=on_wait,
                                  on_total=on_total, settings=settings, rules=not args.paths)
            if args.paths:
                summary = ingest(args.paths, db, workers=args.workers, on_progress=on_progress,
                                 on_wait=on_wait, on_total=on_total, settings=settings)
    except store.StoreError as exc:
        console.print(f"[red]错误：{exc}")
        return 1
    print_summary(console, summary, db)
    try:
        record(db, "ingest", None, {"paths": [str(path) for path in args.paths], "reparse": args.reparse,
                                    "offered": summary.offered, "ok": summary.ok, "partial": summary.partial,
                                    "failed": summary.failed, "skipped": summary.skipped})
    except Exception as exc:       # noqa: BLE001 - the ingest is done; a missing entry must not hide it
        console.print(f"[yellow]未能写入审计日志：{exc}")
    if summary.anomalies:
        print_anomalies(console, summary.anomalies)
    return 0


if __name__ == "__main__":
    sys.exit(main())
