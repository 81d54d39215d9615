"""`python main.py audit FILE [--json]`: findings, exit status 0/1/2, never a traceback."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from main import main
from tests.conftest import SEED_REPORTS

ROOT = Path(__file__).resolve().parents[1]


def run(args, capsys):
    status = main(args)
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("seed", sorted(SEED_REPORTS))
def test_audit_json_on_each_seed(seed, capsys):
    status, out, _ = run(["audit", str(SEED_REPORTS[seed]), "--json"], capsys)
    data = json.loads(out)
    # Every seed's self-evaluation tables carry real errors (tests/test_selfeval.py names them).
    assert status == 1 and data["summary"]["counts"]["error"] > 0
    assert all(
        f["table"].endswith("绩效自评") or "绩效自评:" in f["table"]
        for f in data["findings"]
        if f["severity"] == "error"
    )
    assert set(data["summary"]["counts"]) == {"error", "warning", "rounding"}
    for finding in data["findings"]:
        assert set(finding) == {"rule", "severity", "table", "cells", "expected", "actual", "diff", "message"}
        # table:row:col (a project's self-evaluation table is named 项目绩效自评:<项目名称>), or table:row.
        assert all(cell.count(":") in (1, 2) or cell.startswith("项目绩效自评:") for cell in finding["cells"])


def test_one_changed_figure_of_seed000_names_the_identity_and_exits_1(tmp_path, capsys):
    data = json.loads(SEED_REPORTS["000"].read_text(encoding="utf-8"))
    data["cells"]["公开02:2050201:2"] = "9999.28"  # printed 9,899.28
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    status, out, _ = run(["audit", str(path), "--json"], capsys)
    assert status == 1
    errors = [f for f in json.loads(out)["findings"] if f["severity"] == "error"]
    assert {f["rule"] for f in errors} >= {"公开02.本年收入合计", "公开02.科目汇总"}
    row_rule = next(f for f in errors if f["rule"] == "公开02.本年收入合计")
    assert row_rule["cells"][0] == "公开02:2050201:1" and "公开02:2050201:2" in row_rule["cells"]
    assert row_rule["diff"] == "-100.00"
    assert "“2050201 学前教育”行第1栏“本年收入合计”应等于第2至7栏之和" in row_rule["message"]
    status, text, _ = run(["audit", str(path)], capsys)
    assert status == 1 and "[强制] 公开02.本年收入合计" in text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "不是有效的 JSON"),
        ('{"format": "other"}', "format 应为"),
        (
            '{"format": "juesuan-report/1", "unit": {"name": "某局"}, "year": 1999}',
            "没有 武汉市 1999 年度的表式（现有：武汉市 2022、2023、2024",
        ),
        ('{"format": "juesuan-report/1", "unit": {}, "year": 2023}', "缺少单位名称"),
        (
            '{"format": "juesuan-report/1", "unit": {"name": "某局"}, "year": 2023, "cells": {"公开01:27:1": "8,41.2"}}',
            "无法识别的金额",
        ),
        (
            '{"format": "juesuan-report/1", "unit": {"name": "某局"}, "year": 2023, "cells": {"公开01:27:2": "1"}}',
            "没有第2栏",
        ),
        (
            '{"format": "juesuan-report/1", "unit": {"name": "某局"}, "year": 2023, "cells": {"公开01:9:1": "1"}}',
            "第9行是印刷表上的空行",
        ),
        (
            '{"format": "juesuan-report/1", "unit": {"name": "某局"}, "year": 2023, "cells": {"公开02:20A:1": "1"}}',
            "没有科目编码“20A”",
        ),
        (
            '{"format": "juesuan-report/1", "unit": {"name": "某局"}, "year": 2023, "cells": {"公开01:27:1": 84174.24}}',
            "金额应写成字符串",
        ),
        ("[]", "应是一个 JSON 对象"),
    ],
)
def test_unreadable_files_exit_2_with_a_reason(tmp_path, capsys, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    status, out, err = run(["audit", str(path)], capsys)
    assert status == 2 and out == ""
    assert message in err


def test_missing_and_binary_files_exit_2(tmp_path, capsys):
    status, _, err = run(["audit", str(tmp_path / "nowhere.json")], capsys)
    assert status == 2 and "找不到文件" in err
    binary = tmp_path / "x.json"
    binary.write_bytes(b"\xff\xfe\x00\x81garbage")
    status, _, err = run(["audit", str(binary)], capsys)
    assert status == 2 and "UTF-8" in err


def test_real_process_exit_status_and_no_traceback(tmp_path):
    ok = subprocess.run(
        [sys.executable, "main.py", "audit", str(SEED_REPORTS["003"])], cwd=ROOT, capture_output=True, text=True
    )
    assert ok.returncode == 1 and "一级指标“效益指标”分值应等于各二级指标分值之和" in ok.stdout
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    broken = subprocess.run([sys.executable, "main.py", "audit", str(bad)], cwd=ROOT, capture_output=True, text=True)
    assert broken.returncode == 2 and "Traceback" not in broken.stderr


def test_audit_with_text_checks_the_written_narrative(capsys):
    text = ROOT / "tests" / "fixtures" / "seed_texts" / "001_be543deed8a18d71.txt"
    status, out, _ = run(["audit", str(SEED_REPORTS["001"]), "--text", str(text), "--json"], capsys)
    data = json.loads(out)
    narrative = [f for f in data["findings"] if f["table"] == "情况说明"]
    # 九(一) says 完成全年预算的48% where 公开09 gives 0.48 of 0.48: 100%.
    assert any(f["severity"] == "error" and "九(一)" in f["message"] and "48%" in f["message"] for f in narrative)
    assert data["summary"]["narrative"]["checked"] > 0 and status == 1
    status, _, err = run(["audit", str(SEED_REPORTS["001"]), "--text", str(ROOT / "missing.docx")], capsys)
    assert status == 2 and "情况说明" in err
