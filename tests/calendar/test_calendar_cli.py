"""CONTRACT.md "Working days": `govmedia workdays …` and `govmedia calendar import` (R B-1)."""

import json
import subprocess
import sys
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from govmedia.calendar.models import Deadline, HolidaySchedule
from govmedia.calendar.services import open_deadline

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[int, Any, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    text = out.getvalue().strip()
    return code, json.loads(text) if text else None, err.getvalue()


def test_b1_cli_add_prints_exactly_the_contract_object() -> None:
    assert run("workdays", "add", "2025-09-26", "5") == (
        0,
        {
            "start": "2025-09-26",
            "n": 5,
            "date": "2025-10-10",
            "due": "2025-10-10T23:59:59+08:00",
            "provisional": False,
        },
        "",
    )


def test_b1_cli_before_is_the_latest_allowed_day() -> None:
    code, out, _ = run("workdays", "before", "2025-10-09", "5")
    assert code == 0
    assert out == {
        "start": "2025-10-09",
        "n": 5,
        "date": "2025-09-25",
        "due": "2025-09-25T23:59:59+08:00",
        "provisional": False,
    }


def test_b1_cli_is_2025_national_day_and_adjusted_workday() -> None:
    assert run("workdays", "is", "2025-10-01")[1] == {
        "date": "2025-10-01",
        "workday": False,
        "kind": "holiday",
        "holiday": "国庆节",
        "provisional": False,
    }
    assert run("workdays", "is", "2025-09-28")[1] == {
        "date": "2025-09-28",
        "workday": True,
        "kind": "adjusted_workday",
        "holiday": None,
        "provisional": False,
    }


def test_b1_cli_provisional_result_says_so_in_chinese() -> None:
    code, out, err = run("workdays", "add", "2099-01-01", "1")
    assert (code, out["provisional"]) == (0, True)
    assert "暂按周一至周五计算" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("add", "2025-09-26", "-1"), "不小于0的整数"),
        (("add", "2025-09-26", "1.5"), "不小于0的整数"),
        (("before", "2025-09-26", "五"), "不小于0的整数"),
        (("add", "2025-13-01", "1"), "不存在"),
        (("before", "26/09/2025", "1"), "YYYY-MM-DD"),
        (("is", "yesterday"), "YYYY-MM-DD"),
        (("add", "9999-12-31", "1"), "范围"),
        (("add", "2025-09-26", "100000"), "不能超过"),
    ],
)
def test_b1_cli_bad_input_exits_2_with_chinese_message(args: tuple[str, ...], message: str) -> None:
    code, out, err = run("workdays", *args)
    assert (code, out) == (2, None)
    assert err.startswith("输入有误：") and message in err
    assert "Traceback" not in err


def test_b1_cli_missing_argument_is_refused_in_chinese() -> None:
    with pytest.raises(CommandError, match="参数错误"):
        call_command("workdays", "add", "2025-09-26", stdout=StringIO(), stderr=StringIO())


def test_b1_cli_import_stores_the_year_and_recomputes(tmp_path: Path, schedule_2027: Any) -> None:
    provisional = open_deadline("after_workdays", date(2027, 2, 5), 3, "7")
    path = tmp_path / "2027.json"
    path.write_text(json.dumps(schedule_2027, ensure_ascii=False), encoding="utf-8")
    code, out, err = run("calendar", "import", str(path))
    assert code == 0
    assert out == {"year": 2027, "holidays": 2, "workdays": 2, "recomputed": out["recomputed"]}
    assert out["recomputed"] >= 1
    assert "已录入" in err
    provisional.refresh_from_db()
    assert not provisional.provisional
    assert run("workdays", "is", "2027-02-08")[1]["holiday"] == "春节"
    # Importing the same year again replaces it; nothing left provisional to recompute.
    assert run("calendar", "import", str(path))[1]["recomputed"] == 0
    assert HolidaySchedule.objects.count() == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "找不到文件"),
        ("{not json", "不是有效的JSON"),
        (b"\xff\xfe{}", "UTF-8"),
        ('{"year": 2027, "holidays": []}', "放假安排（holidays）必须是非空列表"),
        (
            '{"year": 2027, "holidays": [{"name": "元旦", "start": "2027-01-01", "end": "2028-01-01"}]}',
            "不在2027年内",
        ),
        ("[]", "JSON对象"),
    ],
)
def test_b1_cli_import_bad_file_exits_2_and_writes_nothing(
    tmp_path: Path, content: str | bytes | None, message: str
) -> None:
    d = open_deadline("after_workdays", date(2027, 2, 5), 3, "7")
    path = tmp_path / "schedule.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    code, out, err = run("calendar", "import", str(path))
    assert (code, out) == (2, None)
    assert message in err and "Traceback" not in err
    assert not HolidaySchedule.objects.exists()
    assert Deadline.objects.get(pk=d.pk).provisional


def test_b1_govmedia_console_script_exit_codes() -> None:
    """One real process: the installed command, Chinese on stderr, nothing on stdout, exit 2 on bad input.
    (Only inputs refused before the database is read: the child process does not see the test database.)"""
    govmedia = Path(sys.executable).with_name("govmedia")
    for args, message in (
        (["add", "2025-09-26"], "参数错误"),
        (["is", "2025-02-30"], "输入有误：日期“2025-02-30”不存在"),
    ):
        done = subprocess.run([govmedia, "workdays", *args], capture_output=True, text=True, timeout=60)
        assert (done.returncode, done.stdout) == (2, "")
        assert message in done.stderr and "Traceback" not in done.stderr
