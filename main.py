"""Start the window, or run a command (audit, …) without one."""

from __future__ import annotations

import argparse
import os
import sys

from core.version import version_text

#: --region: whose layout a file is in when it does not say (a workbook never does).
REGION_HELP = (
    "地区（表式）。不指定时：报表文件未写明地区的按武汉市；工作簿先按武汉市、读不通再按其他地区的表式读取。"
    "报表文件写明的地区与此不同时不读取"
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="juesuan", description="部门决算公开表填报与勾稽审核")
    parser.add_argument("--version", action="version", version=version_text(), help="显示程序版本并退出")
    parser.add_argument("--db", dest="window_db", help="窗口使用的数据库文件（默认在用户数据文件夹）")
    commands = parser.add_subparsers(dest="command", metavar="命令")
    audit = commands.add_parser("audit", help="审核一个报表文件（.json）或工作簿（.xlsx），列出勾稽关系问题")
    audit.add_argument("file", help="报表文件（.json）或工作簿（.xlsx）")
    audit.add_argument("--json", action="store_true", help="以 JSON 输出")
    audit.add_argument(
        "--previous", help="上年度报表文件：核对年初结转和结余与上年年末数是否一致，以及情况说明中的“比上年”数字"
    )
    audit.add_argument("--text", help="书面的情况说明（.txt 或 .docx，整份公开文件也可以），与报表核对")
    audit.add_argument("--region", help=REGION_HELP)
    database = argparse.ArgumentParser(add_help=False)
    database.add_argument("--db", help="数据库文件（默认在用户数据文件夹）")
    load = commands.add_parser(
        "import",
        parents=[database],
        help="把报表文件（.json）、工作簿（.xlsx）或一个文件夹中的全部文件导入数据库，每个文件全部成功或全部不导入",
    )
    load.add_argument("file", help="报表文件（.json）、工作簿（.xlsx），或含有它们的文件夹（须加 --department）")
    load.add_argument("--replace", action="store_true", help="覆盖数据库中同一单位同一年度的报表")
    load.add_argument("--department", help="把导入的单位放在这个部门之下（没有则新建）")
    load.add_argument("--region", help=REGION_HELP)
    merge = commands.add_parser(
        "consolidate", parents=[database], help="汇总各单位报表（加调整条目），输出部门汇总表并审核"
    )
    merge.add_argument(
        "files", nargs="*", help="各单位的报表文件（.json/.xlsx）；不给时用 --unit 与 --year 从数据库汇总"
    )
    merge.add_argument("--adjust", help="调整文件（.json，格式 juesuan-adjust/1）")
    merge.add_argument("--unit", required=True, help="汇总表的单位名称（从数据库汇总时为部门名称）")
    merge.add_argument("--year", type=int, help="年度（从数据库汇总时必填）")
    merge.add_argument("-o", "--output", required=True, help="输出文件（.json 或 .xlsx）")
    export = commands.add_parser("export", parents=[database], help="从数据库导出一个单位一个年度的报表")
    export.add_argument("--unit", required=True, help="单位名称")
    export.add_argument("--year", required=True, type=int, help="年度")
    export.add_argument("-o", "--output", required=True, help="输出文件（.json 或 .xlsx）")
    restore = commands.add_parser("restore", parents=[database], help="用最近的完好备份恢复数据库")
    restore.add_argument("--from", dest="backup", help="指定备份文件")
    summary = commands.add_parser("summary", parents=[database], help="生成可签字的审核摘要 PDF（不打开窗口）")
    summary.add_argument("file", nargs="?", help="报表文件（.json/.xlsx）；不给时用 --unit 与 --year 从数据库读取")
    summary.add_argument("--unit", help="单位名称")
    summary.add_argument("--year", type=int, help="年度")
    summary.add_argument("-o", "--output", required=True, help="输出文件（.pdf）")
    narrative = commands.add_parser("narrative", help="根据报表生成情况说明（.docx），表中没有的内容留出标记的空白")
    narrative.add_argument("file", help="报表文件（.json）")
    narrative.add_argument("--previous", help="上年度报表文件（.json），用于比上年增减")
    narrative.add_argument("-o", "--output", required=True, help="输出文件（.docx）")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "audit":
        from core.commands import run_audit

        return run_audit(args.file, args.json, previous=args.previous, text=args.text, region=args.region)
    if args.command == "summary":
        from app.commands import open_context
        from ui.summary.command import run_summary

        return run_summary(args.file, args.unit, args.year, args.output, lambda: open_context(args.db, writing=False))
    if args.command == "narrative":
        from core.narrative.command import run_narrative

        return run_narrative(args.file, args.previous, args.output)
    if args.command == "consolidate" or (args.command == "import" and (args.department or os.path.isdir(args.file))):
        from app import department_commands

        if args.command == "import":
            if not args.department:
                print("导入文件夹时请用 --department 指定这些单位所属的部门", file=sys.stderr)
                return 2
            return department_commands.run_import_into_department(
                [args.file], args.department, args.db, args.replace, region=args.region
            )
        if args.files:
            return department_commands.run_consolidate_files(args.files, args.adjust, args.unit, args.output)
        if args.year is None:
            print("从数据库汇总时请给出 --year（或直接给出各单位的报表文件）", file=sys.stderr)
            return 2
        return department_commands.run_consolidate_db(args.db, args.unit, args.year, args.adjust, args.output)
    if args.command in ("import", "export", "restore"):
        from app import commands

        if args.command == "import":
            return commands.run_import(args.file, args.db, args.replace, region=args.region)
        if args.command == "export":
            return commands.run_export(args.unit, args.year, args.db, args.output)
        return commands.run_restore(args.db, args.backup)
    from ui.app import run

    return run(args.window_db)


def gui() -> int:
    """The `juesuan` entry point: the window, started without a console window on Windows.

    Without a console (pythonw, the windowed bundle) sys.stdout and sys.stderr are None; anything that
    writes to them (a library's warning, `--version`) would fail, so they go to the null device instead.
    With a console it is `main()` unchanged; the bundle's executables start here too.
    """
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))
    return main()


if __name__ == "__main__":
    sys.exit(gui())
