"""内容检查 page, its htmx findings panel, and the administrators' pages (敏感词库, 平台规则)."""

from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from govmedia.audit.models import Entry
from govmedia.compliance.models import LexiconEntry, PlatformProfile

from . import media_factory as mf

FORM = {
    "platform": "wechat",
    "title": "关于供暖的通知",
    "body": "全县供暖将于11月15日开始。",
    "category": "a",
    "kind": "original",
}


def test_check_page_for_everyone_signed_in_and_in_navigation(login: Any) -> None:
    for name in ("center", "edu_admin", "town_admin"):
        response = login(name).get("/compliance/check/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "内容检查" in html and 'hx-post="/compliance/check/panel/"' in html


def test_check_page_post_shows_findings_with_highlight(login: Any) -> None:
    html = (
        login("edu_admin").post("/compliance/check/", {**FORM, "body": "内部资料：网传停水"}).content.decode()
    )
    assert "有1处须修改，另有1处提示" in html
    assert '<mark class="hl-block" title="含密级或内部资料标识“内部资料”">内部资料</mark>' in html
    assert '<mark class="hl-warn"' in html and "依据：标准5.1条" in html


def test_panel_partial_for_htmx(login: Any) -> None:
    client = login("edu_admin")
    response = client.post("/compliance/check/panel/", {**FORM, "title": "通" * 35}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "标题超过64字节（当前70字节）" in html and 'data-rule="wechat.title.max_bytes"' in html
    clean = client.post("/compliance/check/panel/", FORM).content.decode()
    assert "未发现问题" in clean


def test_panel_rejects_get_and_bad_choices(login: Any) -> None:
    client = login("edu_admin")
    assert client.get("/compliance/check/panel/").status_code == 405
    html = client.post("/compliance/check/panel/", {**FORM, "platform": "myspace"}).content.decode()
    assert "填写内容有误" in html


def test_panel_repost_and_emergency_fields(login: Any) -> None:
    data = {
        **FORM,
        "kind": "repost",
        "repost_source": "云南日报",
        "emergency": "on",
        "emergency_event": "滑坡",
    }
    html = login("edu_admin").post("/compliance/check/panel/", data).content.decode()
    assert "转载信息未标注原作者" in html and "突发事件信息缺少“五要素”中的地点" in html


def test_r5_6_4_weibo_overflow_offers_long_weibo_image(login: Any) -> None:
    html = (
        login("edu_admin")
        .post("/compliance/check/panel/", {**FORM, "platform": "weibo", "body": "政" * 141})
        .content.decode()
    )
    assert "微博正文超过140字（当前141字）" in html and "生成长微博图片" in html


def test_r5_6_4_long_weibo_without_font_explains(login: Any, settings: Any, monkeypatch: Any) -> None:
    settings.CJK_FONT_PATH = ""
    monkeypatch.setattr("shutil.which", lambda name: None)
    response = login("edu_admin").post("/compliance/check/long-weibo/", {"title": "", "body": "政" * 200})
    assert response.status_code == 200 and "没有可用的中文字体" in response.content.decode()


def test_r5_6_4_long_weibo_download(login: Any, settings: Any) -> None:
    import glob

    fonts = glob.glob("/usr/share/fonts/**/*.ttf", recursive=True)
    if not fonts:
        return
    settings.CJK_FONT_PATH = fonts[0]
    response = login("edu_admin").post("/compliance/check/long-weibo/", {"title": "标题", "body": "政" * 200})
    assert response["Content-Type"] == "image/png" and response.content.startswith(b"\x89PNG")


def test_media_upload_judged_by_bytes(login: Any, tmp_path: Path) -> None:
    png = mf.png(tmp_path / "clip.mp4").read_bytes()
    voice = mf.wav(tmp_path / "v.wav", 61).read_bytes()
    data = {
        **FORM,
        "media_video": SimpleUploadedFile("clip.mp4", png, content_type="video/mp4"),
        "media_voice": SimpleUploadedFile("v.wav", voice, content_type="audio/wav"),
    }
    html = login("edu_admin").post("/compliance/check/", data).content.decode()
    assert "视频“clip.mp4”实际为PNG图片，不是视频" in html
    assert "语音“v.wav”超过60秒（当前61秒）" in html


def test_lexicon_pages_are_for_secadmin(login: Any) -> None:
    assert login("secadmin").get("/compliance/lexicon/").status_code == 200
    for name in ("center", "sysadmin", "edu_admin"):
        assert login(name).get("/compliance/lexicon/").status_code == 403
    assert "/compliance/lexicon/" in login("secadmin").get("/").content.decode()
    assert "/compliance/lexicon/" not in login("center").get("/").content.decode()


def test_lexicon_add_edit_delete(login: Any) -> None:
    client = login("secadmin")
    response = client.post(
        "/compliance/lexicon/new/",
        {"word": " 新违禁词 ", "category": "测试", "severity": "warn", "suggestion": "", "note": ""},
    )
    assert response.status_code == 302
    entry = LexiconEntry.objects.get(word="新违禁词")
    dup = client.post(
        "/compliance/lexicon/new/", {"word": "新违禁词", "category": "测试", "severity": "warn"}
    )
    assert "词库中已有这个词语" in dup.content.decode()
    client.post(
        f"/compliance/lexicon/{entry.pk}/", {"word": "新违禁词", "category": "测试", "severity": "block"}
    )
    assert LexiconEntry.objects.get(pk=entry.pk).severity == "block"
    assert client.post(f"/compliance/lexicon/{entry.pk}/delete/").status_code == 302
    assert not LexiconEntry.objects.filter(pk=entry.pk).exists()
    assert Entry.objects.filter(action__startswith="compliance.lexicon_").count() == 3


def test_lexicon_search_import_export(login: Any) -> None:
    client = login("secadmin")
    assert "百家乐" in client.get("/compliance/lexicon/?q=赌博").content.decode()
    upload = SimpleUploadedFile("words.txt", "县里的词\t本地\twarn\n".encode())
    response = client.post("/compliance/lexicon/import/", {"file": upload})
    assert response.status_code == 302 and LexiconEntry.objects.filter(word="县里的词").exists()
    bad = client.post("/compliance/lexicon/import/", {"text": "好词\n坏词\t其他\tmaybe"})
    assert "第2行" in bad.content.decode()
    empty = client.post("/compliance/lexicon/import/", {"text": "  "})
    assert "请粘贴词库文本或上传文件" in empty.content.decode()
    export = client.get("/compliance/lexicon/export/")
    assert (
        export["Content-Type"].startswith("text/plain") and "县里的词\t本地\twarn" in export.content.decode()
    )


def test_profiles_pages_are_for_sysadmin(login: Any) -> None:
    html = login("sysadmin").get("/compliance/profiles/").content.decode()
    assert "政务微信" in html and "政务微博" in html and "政务APP" in html
    assert login("secadmin").get("/compliance/profiles/").status_code == 403
    assert login("sysadmin").get("/compliance/profiles/myspace/").status_code == 404


def test_r5_6_5_profile_edit_form(login: Any) -> None:
    client = login("sysadmin")
    page = client.get("/compliance/profiles/wechat/").content.decode()
    assert "群发图文消息的标题上限为64个字节" in page
    data = {
        "limit__title.max_bytes": "60",
        "limit__body.max_chars": "600",
        "limit__voice.max_bytes": "5",
        "limit__voice.max_seconds": "60",
        "limit__video.max_bytes": "20",
        "formats__voice": "mp3、amr",
        "formats__video": "rm,rmvb,wmv,avi,mpg,mpeg,mp4",
        "formats__image": "",
    }
    assert client.post("/compliance/profiles/wechat/", data).status_code == 302
    row = PlatformProfile.objects.get(key="wechat")
    assert row.limits == {"title.max_bytes": 60} and row.formats == {"voice": ["mp3", "amr"]}
    bad = client.post(
        "/compliance/profiles/wechat/", {**data, "formats__voice": "ogg", "limit__body.max_chars": "-1"}
    )
    html = bad.content.decode()
    assert "无法识别的格式：ogg" in html and bad.status_code == 200
