"""The pages as a flow (R7-1…R7-5): registration with screenshots, import, every action, the slip."""

import csv
import io
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from docx import Document
from openpyxl import Workbook
from PIL import Image

from govmedia.inquiries.models import Attachment, Inquiry, Status
from govmedia.org.models import Unit
from govmedia.registry.models import Account


def png(color: str = "red") -> io.BytesIO:
    buf = io.BytesIO()
    Image.new("RGB", (20, 10), color).save(buf, "PNG")
    buf.seek(0)
    buf.name = "截图.png"
    return buf


def media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def form(account: Account, **extra: Any) -> dict[str, Any]:
    return {
        "account": account.pk,
        "platform_message_id": "wb-9",
        "sender_name": "网友乙",
        "sender_id": "u9",
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "kind": "complaint",
        "content": "小区门口垃圾无人清运。",
        **extra,
    }


def test_r7_1_register_with_screenshot_then_whole_flow_in_pages(
    login: Any, account: Account, channel: Any
) -> None:
    center = login("center")
    assert center.get("/inquiries/new/").status_code == 200
    r = center.post("/inquiries/new/", form(account, attachments=[png(), png("blue")]))
    assert r.status_code == 302
    inquiry = Inquiry.objects.get(platform_message_id="wb-9")
    assert inquiry.attachments.count() == 2 and len(media_files()) == 2
    att = inquiry.attachments.first()
    assert att is not None and att.path.endswith(att.sha256)
    assert center.get(f"/inquiries/{inquiry.pk}/attachments/{att.pk}/").status_code == 200
    assert login("edu_admin").get(f"/inquiries/{inquiry.pk}/").status_code == 404
    leader = login("office_leader")
    page = leader.get(f"/inquiries/{inquiry.pk}/").content.decode()
    assert f'action="/inquiries/{inquiry.pk}/actions/instruct/"' in page
    edu = Unit.objects.get(name="县教育体育局").pk
    leader.post(
        f"/inquiries/{inquiry.pk}/actions/instruct/",
        {"decision": "transfer", "units": [edu], "comment": "请办理"},
    )
    center.post(f"/inquiries/{inquiry.pk}/actions/transfer/", {"units": [edu]})
    assert inquiry.number in login("edu_admin").get("/inquiries/?tab=todo").content.decode()
    login("edu_admin").post(f"/inquiries/{inquiry.pk}/actions/draft_reply/", {"text": "已安排清运。"})
    login("edu_leader").post(f"/inquiries/{inquiry.pk}/actions/sign_off/", {"comment": "同意"})
    center.post(f"/inquiries/{inquiry.pk}/actions/compile/", {"text": "您好，已安排清运。"})
    leader.post(f"/inquiries/{inquiry.pk}/actions/review/", {"comment": "同意"})
    r = center.post(f"/inquiries/{inquiry.pk}/actions/reply/", {"text": "您好，已安排清运。"}, follow=True)
    assert "已登记回复" in r.content.decode()
    inquiry.refresh_from_db()
    assert inquiry.status == Status.CLOSED
    slip = center.get(f"/inquiries/{inquiry.pk}/slip/").content.decode()
    assert "留言批办单" in slip and "已安排清运。" in slip
    r = center.get(f"/inquiries/{inquiry.pk}/slip.docx")
    doc = Document(io.BytesIO(r.content))
    text = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    for value in (
        "小区门口垃圾无人清运。",
        "县教育体育局",
        "已安排清运。",
        "您好，已安排清运。",
        "王建国",
        "请办理",
        inquiry.number,
        "陈刚",
    ):
        assert value in text, value
    assert "姚安县政务微博、政务微信留言批办单" in doc.paragraphs[0].text


def test_r7_1_rejected_screenshot_leaves_nothing(login: Any, account: Account) -> None:
    center = login("center")
    fake = io.BytesIO(b"\x89PNG\r\n\x1a\nnot really a png")
    fake.name = "假图.png"
    r = center.post("/inquiries/new/", form(account, attachments=[png(), fake]))
    assert r.status_code == 200 and "不是可识别的图片" in r.content.decode()
    assert not Inquiry.objects.filter(platform_message_id="wb-9").exists()
    assert media_files() == [] and not Attachment.objects.filter(original_name="假图.png").exists()


def test_r7_1_manual_registration_refuses_duplicates_and_bad_input(login: Any, account: Account) -> None:
    center = login("center")
    assert center.post("/inquiries/new/", form(account)).status_code == 302
    r = center.post("/inquiries/new/", form(account))
    assert r.status_code == 200 and "不能重复登记" in r.content.decode()
    r = center.post(
        "/inquiries/new/", form(account, platform_message_id="x2", content="", received_at="昨天")
    )
    assert r.status_code == 200 and Inquiry.objects.filter(account=account).count() == 1
    assert login("edu_admin").get("/inquiries/new/").status_code == 403


def _xlsx(rows: list[list[Any]]) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["账号名称", "平台", "平台消息ID", "发送者ID", "发送者昵称", "留言内容", "收到时间", "类别"])
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "留言.xlsx"
    return buf


def test_r7_1_import_is_all_or_nothing_with_row_errors(login: Any, account: Account) -> None:
    center = login("center")
    assert center.get("/inquiries/import/?template=1").status_code == 200
    bad = _xlsx(
        [
            [account.name, "微博", "i1", "u1", "甲", "问题一", "2026-11-20 10:00", "咨询"],
            [account.name, "微博", "i1", "u2", "乙", "问题二", "2026-11-20 11:00", "投诉"],
            ["不存在的账号", "微博", "i3", "u3", "丙", "问题三", "2026-11-20 12:00", "咨询"],
            [account.name, "微博", "i4", "u4", "丁", "", "不是时间", "乱写"],
        ]
    )
    page = center.post("/inquiries/import/", {"file": bad}).content.decode()
    for expected in (
        "第3行：平台消息ID与第2行重复",
        "第4行",
        "第5行：请填写留言内容",
        "第5行：请填写正确的收到时间",
    ):
        assert expected in page, expected
    assert not Inquiry.objects.filter(account=account).exists()
    good = _xlsx(
        [
            [account.name, "微博", "i1", "u1", "甲", "问题一", "2026-11-20 10:00", "咨询"],
            [account.name, "微博", 4890001, "u2", "乙", "问题二", "2026/11/20 11:00", "恶意/违法"],
        ]
    )
    assert center.post("/inquiries/import/", {"file": good}).status_code == 302
    kinds = dict(Inquiry.objects.filter(account=account).values_list("platform_message_id", "kind"))
    assert kinds == {"i1": "consultation", "4890001": "abusive"}
    again = center.post(
        "/inquiries/import/",
        {"file": _xlsx([[account.name, "微博", "i1", "", "", "x", "2026-11-20 10:00", "咨询"]])},
    )
    assert "第2行：该平台消息已登记" in again.content.decode()


def test_r7_1_import_csv_and_garbage(login: Any, account: Account) -> None:
    center = login("center")
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["账号名称", "平台", "平台消息ID", "发送者ID", "发送者昵称", "留言内容", "收到时间", "类别"])
    w.writerow([account.name, "微博", "c1", "", "网友", "CSV留言", "2026-11-20 10:00", "建议"])
    data = io.BytesIO(buf.getvalue().encode("gb18030"))
    data.name = "留言.csv"
    assert center.post("/inquiries/import/", {"file": data}).status_code == 302
    assert Inquiry.objects.get(platform_message_id="c1").kind == "suggestion"
    junk = io.BytesIO(b"PK\x03\x04garbage")
    junk.name = "x.xlsx"
    assert "不是有效的Excel" in center.post("/inquiries/import/", {"file": junk}).content.decode()
    header_only = io.BytesIO(b"a,b\n1,2\n")
    header_only.name = "x.csv"
    assert "表头缺少列" in center.post("/inquiries/import/", {"file": header_only}).content.decode()


def test_r7_lists_stats_and_petition_pages_render(login: Any) -> None:
    for who in ("center", "office_leader", "edu_admin", "edu_leader", "town_leader", "sysadmin"):
        client = login(who)
        for path in (
            "/inquiries/",
            "/inquiries/?tab=todo",
            "/inquiries/?tab=register",
            "/inquiries/?tab=overdue",
            "/inquiries/?tab=closed",
            "/inquiries/?tab=all&kind=complaint&start=2026-01-01&end=bad",
            "/inquiries/petitions/",
            "/inquiries/stats/",
            "/",
        ):
            assert client.get(path).status_code == 200, (who, path)
    for inquiry in Inquiry.objects.all():
        assert login("center").get(f"/inquiries/{inquiry.pk}/").status_code == 200
    assert login("center").get("/inquiries/petitions/channel/").status_code == 200
    assert login("edu_admin").get("/inquiries/petitions/channel/").status_code == 403


def test_r7_a_bad_search_says_so_and_lists_every_message(login: Any, account: Account) -> None:
    """A date that is not a date (typed into the address, say) is reported in Chinese; the list falls back
    to every message rather than an empty or partly filtered one."""
    client = login("center")
    bad = client.get("/inquiries/?tab=all&start=2026-13-45").content.decode()
    assert "筛选条件有误，已显示全部留言。" in bad
    good = client.get("/inquiries/?tab=all&start=2026-01-01").content.decode()
    assert "筛选条件有误" not in good
    everything = client.get("/inquiries/?tab=all").content.decode()
    assert bad.split("<tbody>")[-1] == everything.split("<tbody>")[-1]


def test_r7_action_errors_are_shown_in_chinese(login: Any, account: Account) -> None:
    center = login("center")
    center.post("/inquiries/new/", form(account))
    inquiry = Inquiry.objects.get(platform_message_id="wb-9")
    r = center.post(f"/inquiries/{inquiry.pk}/actions/reply/", {"text": "x"}, follow=True)
    assert "不能办理“回复”" in r.content.decode()
    r = login("office_leader").post(f"/inquiries/{inquiry.pk}/actions/return/", {"comment": ""}, follow=True)
    assert "请填写退回理由" in r.content.decode()
    assert center.post(f"/inquiries/{inquiry.pk}/actions/instruct/", {}).status_code == 403


def test_r7_4_reply_handed_to_the_platform_from_the_page(login: Any) -> None:
    """The centre can hand the reviewed reply to the platform adapter instead of typing it in by hand."""
    from govmedia.platforms.models import Delivery

    inquiry = Inquiry.objects.filter(status="to_reply").first()
    assert inquiry is not None
    response = login("center").post(
        f"/inquiries/{inquiry.pk}/actions/reply/",
        {"text": inquiry.compiled_text, "via": "platform"},
        follow=True,
    )
    assert response.status_code == 200
    delivery = Delivery.objects.get(inquiry=inquiry, kind="reply")
    assert delivery.text == inquiry.compiled_text
    bad = login("center").post(
        f"/inquiries/{inquiry.pk}/actions/reply/", {"text": "另外的文字", "via": "platform"}, follow=True
    )
    assert "不一致" in bad.content.decode()
