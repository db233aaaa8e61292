"""`govmedia check` exactly per CONTRACT.md: JSON on stdout, Chinese on stderr, exit 0/1/2."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from . import media_factory as mf

pytestmark = pytest.mark.django_db

GOOD = {
    "title": "关于做好冬季供暖工作的通知",
    "body": "全县供暖将于11月15日开始。",
    "category": "a",
    "kind": "original",
}


def run(*args: str) -> tuple[int, dict[str, Any] | None, str]:
    out, err = StringIO(), StringIO()
    code = 0
    try:
        call_command("check", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = int(exc.code or 0)
    text = out.getvalue().strip()
    return code, json.loads(text) if text else None, err.getvalue()


def write(tmp_path: Path, data: Any, name: str = "post.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_clean_post_exits_0(tmp_path: Path) -> None:
    code, result, err = run("--platform", "wechat", write(tmp_path, GOOD))
    assert code == 0 and result == {"ok": True, "findings": []}
    assert "检查通过" in err


def test_r5_6_2_long_title_exits_1_with_contract_finding(tmp_path: Path) -> None:
    code, result, err = run("--platform", "wechat", write(tmp_path, {**GOOD, "title": "通" * 35}))
    assert code == 1 and result is not None and result["ok"] is False
    assert result["findings"] == [
        {
            "rule": "wechat.title.max_bytes",
            "clause": "5.6",
            "severity": "block",
            "field": "title",
            "message": "标题超过64字节（当前70字节）",
            "value": 70,
            "limit": 64,
            "span": None,
        }
    ]
    assert "标题超过64字节" in err


def test_warnings_only_exit_0(tmp_path: Path) -> None:
    code, result, _ = run("--platform", "weibo", write(tmp_path, {**GOOD, "body": "网传停水"}))
    assert code == 0 and result is not None and result["ok"] is True
    assert result["findings"][0]["rule"] == "content.unverified" and result["findings"][0]["span"] == [0, 2]


def test_starter_lexicon_is_used(tmp_path: Path) -> None:
    code, result, _ = run("--platform", "app", write(tmp_path, {**GOOD, "body": "提供代开发票服务"}))
    assert code == 1 and result is not None
    assert [f["rule"] for f in result["findings"]] == ["content.lexicon"]


def test_media_paths_resolve_against_the_json_directory(tmp_path: Path, monkeypatch: Any) -> None:
    (tmp_path / "m").mkdir()
    mf.wav(tmp_path / "m" / "voice.wav", 61)
    mf.png(tmp_path / "m" / "clip.mp4")
    post = {
        **GOOD,
        "media": [{"path": "m/voice.wav", "kind": "voice"}, {"path": "m/clip.mp4", "kind": "video"}],
    }
    monkeypatch.chdir("/")
    code, result, _ = run("--platform", "wechat", write(tmp_path, post))
    assert code == 1 and result is not None
    assert [(f["rule"], f["field"]) for f in result["findings"]] == [
        ("wechat.voice.max_seconds", "media[0]"),
        ("wechat.video.format", "media[1]"),
    ]


def test_absolute_media_paths_as_given(tmp_path: Path) -> None:
    path = mf.gif(tmp_path / "a.gif", [(100, 100)] * 29 + [(500, 500)])
    code, result, _ = run(
        "--platform", "weibo", write(tmp_path / "", {**GOOD, "media": [{"path": str(path), "kind": "image"}]})
    )
    assert code == 1 and result is not None and result["findings"][0]["rule"] == "weibo.gif.frame_size"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{bad json", "不是有效的 JSON"),
        ("[1, 2]", "应为一个JSON对象"),
        ('{"title": 5}', "应为文本"),
        ('{"kind": "blog"}', "kind"),
        ('{"media": [{"path": "nope.png", "kind": "image"}]}', "找不到媒体文件"),
    ],
)
def test_bad_input_exits_2_with_a_message(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "post.json"
    path.write_text(content, encoding="utf-8")
    code, result, err = run("--platform", "wechat", str(path))
    assert code == 2 and result is None and message in err


def test_not_utf8_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "post.json"
    path.write_bytes(b'{"title": "\xb9\xab\xbf\xaa"}')  # 公开 in GBK
    code, _, err = run("--platform", "wechat", str(path))
    assert code == 2 and "UTF-8" in err


def test_missing_file_exits_2(tmp_path: Path) -> None:
    code, _, err = run("--platform", "wechat", str(tmp_path / "none.json"))
    assert code == 2 and "找不到文件" in err
    code, _, err = run(str(tmp_path / "none.json"))
    assert code == 2 and "找不到文件" in err


def test_unknown_platform_exits_2(tmp_path: Path) -> None:
    code, _, err = run("--platform", "myspace", write(tmp_path, GOOD))
    assert code == 2 and "未知平台“myspace”" in err


def test_platform_without_file_and_file_without_platform(tmp_path: Path) -> None:
    assert run("--platform", "wechat")[0] == 2
    code, _, err = run(write(tmp_path, GOOD))
    assert code == 2 and "--platform" in err


def test_account_type_is_validated(tmp_path: Path) -> None:
    assert run("--platform", "wechat", "--account-type", "service", write(tmp_path, GOOD))[0] == 0
    code, _, err = run("--platform", "wechat", "--account-type", "vip", write(tmp_path, GOOD))
    assert code == 2 and "账号类型" in err


def test_without_arguments_it_is_still_djangos_system_check() -> None:
    out = StringIO()
    call_command("check", stdout=out, stderr=StringIO())
    assert "System check identified no issues" in out.getvalue()


def _govmedia(*args: str, cwd: str) -> subprocess.CompletedProcess[str]:
    exe = os.path.join(os.path.dirname(sys.executable), "govmedia")
    return subprocess.run(
        [exe, "check", *args], capture_output=True, text=True, cwd=cwd, timeout=120, check=False
    )


def test_command_line_never_shows_a_traceback(tmp_path: Path) -> None:
    """One process per case is slow, so the real console script is run for the three CONTRACT errors."""
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    (tmp_path / "ok.json").write_text(json.dumps(GOOD), encoding="utf-8")
    for args in (
        ["--platform", "wechat", "bad.json"],
        ["--platform", "wechat", "gone.json"],
        ["--platform", "xx", "ok.json"],
    ):
        done = _govmedia(*args, cwd=str(tmp_path))
        assert done.returncode == 2, done.stderr
        assert "Traceback" not in done.stderr and done.stdout == ""
