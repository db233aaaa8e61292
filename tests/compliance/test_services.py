"""The Django side: lexicon and profiles managed by administrators (audited), cached per process and
rebuilt when the version in the database moves (R5.2-1, R5.6-5)."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from govmedia.audit.models import Entry
from govmedia.compliance import services
from govmedia.compliance.core import Post
from govmedia.compliance.core.longweibo import NoCjkFont, find_cjk_font
from govmedia.compliance.models import LexiconEntry, PlatformProfile
from govmedia.org.models import User

MIB = 1024 * 1024


def test_starter_lexicon_is_loaded_and_not_political(db: Any) -> None:
    words = set(LexiconEntry.objects.values_list("word", flat=True))
    assert {"代开发票", "百家乐", "刷单返利"} <= words
    assert set(LexiconEntry.objects.values_list("category", flat=True)) <= {
        "赌博",
        "虚假发票",
        "诈骗",
        "非法金融",
        "侵犯个人信息",
        "违法服务",
        "违禁品",
    }


def test_r5_2_1_lexicon_cache_rebuilds_on_change(cast: dict[str, User]) -> None:
    first = services.lexicon()
    assert services.lexicon() is first  # cached
    entry = LexiconEntry(word="测试违禁词", category="测试", severity="warn")
    services.save_lexicon_entry(cast["secadmin"], entry)
    second = services.lexicon()
    assert second is not first
    found = services.check_post(Post(category="a", body="这是测试违禁词"), None)
    assert [(f.rule, f.severity, f.span) for f in found] == [("content.lexicon", "warn", (2, 7))]
    services.delete_lexicon_entry(cast["secadmin"], entry)
    assert services.check_post(Post(category="a", body="这是测试违禁词"), None) == []
    assert (
        Entry.objects.filter(action__in=["compliance.lexicon_saved", "compliance.lexicon_deleted"]).count()
        == 2
    )


def test_only_secadmin_manages_the_lexicon(cast: dict[str, User]) -> None:
    for name in ("center", "sysadmin", "auditor"):
        with pytest.raises(PermissionDenied):
            services.save_lexicon_entry(cast[name], LexiconEntry(word="x"))
        with pytest.raises(PermissionDenied):
            services.import_lexicon(cast[name], "x")


def test_import_adds_updates_and_reports_bad_lines(cast: dict[str, User]) -> None:
    text = (
        "代开发票\t虚假发票\twarn\t\t改为提示\n新词甲\t测试\n\t空\n"
        "新词乙|测试|提示|替换\n坏\t其他\t禁\t\n坏2\t其他\tmaybe\n"
    )
    result = services.import_lexicon(cast["secadmin"], text)
    assert result["created"] == 2 and result["updated"] == 1 and result["deleted"] == 0
    assert len(result["errors"]) == 3 and result["errors"][0] == "第3行：词语为空"
    assert LexiconEntry.objects.get(word="代开发票").severity == "warn"
    assert LexiconEntry.objects.get(word="新词乙").suggestion == "替换"
    assert Entry.objects.filter(action="compliance.lexicon_imported").exists()


def test_import_replace_removes_other_words(cast: dict[str, User]) -> None:
    result = services.import_lexicon(cast["secadmin"], "只此一词\t测试\n", replace=True)
    assert result["created"] == 1 and result["deleted"] > 10
    assert list(LexiconEntry.objects.values_list("word", flat=True)) == ["只此一词"]


def test_import_with_nothing_usable_changes_nothing(cast: dict[str, User]) -> None:
    before = LexiconEntry.objects.count()
    result = services.import_lexicon(cast["secadmin"], "坏\t其他\tmaybe\n", replace=True)
    assert result["errors"] and LexiconEntry.objects.count() == before


def test_export_round_trips(cast: dict[str, User]) -> None:
    text = services.export_lexicon()
    assert text.startswith("#") and "代开发票\t虚假发票\tblock" in text
    result = services.import_lexicon(cast["secadmin"], text, replace=True)
    assert result["created"] == 0 and result["updated"] == 0 and result["deleted"] == 0


def test_r5_6_5_profile_limits_adjustable_and_audited(cast: dict[str, User]) -> None:
    before = services.profile("wechat")
    assert before is not None and before.limit("title.max_bytes").value == 64  # type: ignore[union-attr]
    services.save_profile(
        cast["sysadmin"],
        "wechat",
        {"title.max_bytes": 40, "body.max_chars": 600, "image.max_bytes": 2 * MIB},
        {"voice": ["mp3"]},
    )
    row = PlatformProfile.objects.get(key="wechat")
    assert row.limits == {"title.max_bytes": 40, "image.max_bytes": 2 * MIB}  # defaults are not stored
    after = services.profile("wechat")
    assert after is not None and after.limit("title.max_bytes").value == 40  # type: ignore[union-attr]
    assert after.limits["title.max_bytes"].clause == "5.6"
    found = services.check_post(Post(title="通" * 21, category="a"), "wechat")
    assert [f.message for f in found] == ["标题超过40字节（当前42字节）"]
    entry = Entry.objects.filter(action="compliance.profile_saved").latest("id")
    assert entry.after == {"limits": row.limits, "formats": {"voice": ["mp3"]}}


def test_r5_6_5_profile_limit_removed_and_generic_profile_set(cast: dict[str, User]) -> None:
    services.save_profile(cast["sysadmin"], "wechat", {"title.max_bytes": None}, {})
    assert services.check_post(Post(title="通" * 100, category="a"), "wechat") == []
    services.save_profile(cast["sysadmin"], "app", {"body.max_chars": 10}, {})
    assert [f.rule for f in services.check_post(Post(body="政" * 11, category="a"), "app")] == [
        "app.body.max_chars"
    ]


def test_only_sysadmin_adjusts_profiles(cast: dict[str, User]) -> None:
    with pytest.raises(PermissionDenied):
        services.save_profile(cast["secadmin"], "wechat", {"title.max_bytes": 1}, {})


def test_portal_domains_come_from_settings(settings: Any, db: Any) -> None:
    settings.COUNTY_PORTAL_DOMAINS = ["portal.example.gov.cn"]
    post = Post(category="a", kind="portal", portal_url="https://portal.example.gov.cn/a.html")
    assert services.check_post(post, None) == []
    post = Post(category="a", kind="portal", portal_url="https://www.yaoan.gov.cn/a.html")
    assert [f.rule for f in services.check_post(post, None)] == ["post.portal.url"]


def test_r5_6_4_long_weibo_without_a_cjk_font_says_so(settings: Any, monkeypatch: Any) -> None:
    settings.CJK_FONT_PATH = ""
    monkeypatch.setattr("shutil.which", lambda name: None)
    with pytest.raises(NoCjkFont, match="没有可用的中文字体"):
        services.long_weibo_png("", "正文")
    settings.CJK_FONT_PATH = "/nonexistent/font.ttf"
    with pytest.raises(NoCjkFont, match="CJK_FONT_PATH"):
        services.long_weibo_png("", "正文")


def test_r5_6_4_fontconfig_answer_without_chinese_is_no_font(monkeypatch: Any) -> None:
    import subprocess

    class Done:
        stdout = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf\naa|en|fr"

    monkeypatch.setattr("shutil.which", lambda name: "/usr/bin/fc-match")
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: Done())
    with pytest.raises(NoCjkFont):
        find_cjk_font(None)


def _any_ttf() -> str | None:
    import glob

    fonts = glob.glob("/usr/share/fonts/**/*.tt[fc]", recursive=True)
    return fonts[0] if fonts else None


def test_r5_6_4_long_weibo_png_with_configured_font(settings: Any) -> None:
    font = _any_ttf()
    if font is None:
        pytest.skip("no TrueType font on this machine")
    settings.CJK_FONT_PATH = font
    png = services.long_weibo_png("标题", "政务公开" * 100 + "\n第二段 https://www.yaoan.gov.cn/")
    assert png.startswith(b"\x89PNG")
    from io import BytesIO

    from PIL import Image

    with Image.open(BytesIO(png)) as im:
        assert im.size[0] == 720 and im.size[1] > 300


def test_r5_6_4_long_weibo_with_system_cjk_font() -> None:
    try:
        font = find_cjk_font(None)
    except NoCjkFont:
        pytest.skip("no CJK font installed (Debian: fonts-noto-cjk)")
    from govmedia.compliance.core.longweibo import render_long_weibo

    assert render_long_weibo("政务" * 200, font).startswith(b"\x89PNG")


def test_long_weibo_refuses_huge_text(settings: Any) -> None:
    with pytest.raises(ValueError, match="无法生成"):
        services.long_weibo_png("", "政" * 30000)
