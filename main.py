"""Start the window, or run a command (audit, …) without one."""

from __future__ import annotations

import argparse
import sys


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="juesuan", description="部门决算公开表填报与勾稽审核")
    commands = parser.add_subparsers(dest="command", metavar="命令")
    audit = commands.add_parser("audit", help="审核一个报表文件（.json），列出勾稽关系问题")
    audit.add_argument("file", help="报表文件")
    audit.add_argument("--json", action="store_true", help="以 JSON 输出")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "audit":
        from core.commands import run_audit

        return run_audit(args.file, args.json)
    build_parser().print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
