"""The ledger pages: the unit → county office flow (R4.2-6), A.1 print and Word (R4.2-6), scoping (R1-1),
filters, 我的待办, and query counts that stay flat as the ledger grows."""

from datetime import date, timedelta
from io import BytesIO
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from docx import Document

from govmedia.org.models import ApiToken
from govmedia.registry import services
from govmedia.registry.models import STATUS_LABELS, Account, Filing
from govmedia.web.todo import items_for

from .conftest import a1_data

pytestmark = pytest.mark.django_db


def form_post(data: dict[str, Any]) -> dict[str, Any]:
    return {k: ("" if v is None else v.isoformat() if isinstance(v, date) else v) for k, v in data.items()}


def docx_text(content: bytes) -> str:
    doc = Document(BytesIO(content))
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_r4_2_6_unit_files_office_returns_unit_corrects_office_accepts(login, unit_of) -> None:
    admin, office = login("edu_admin"), login("office_leader")
    planned = timezone.localdate() + timedelta(days=40)
    data = form_post(
        a1_data(
            unit=unit_of("县教育体育局").pk,
            planned_open_on=planned,
            name="姚安教育体育局服务",
            wechat_kind="service",
        )
    )
    bad = admin.post("/registry/accounts/new/", {**data, "leader_mobile": "139"})
    assert bad.status_code == 200 and "请输入11位手机号码" in bad.content.decode()
    response = admin.post("/registry/accounts/new/", data)
    assert response.status_code == 302
    account = Account.objects.get(name="姚安教育体育局服务")
    detail = admin.get(response["Location"]).content.decode()
    assert "新开通备案" in detail and "名称核查提示" in detail  # second WeChat account of the unit

    page = admin.get(f"/registry/accounts/{account.pk}/file/new/").content.decode()
    assert planned.isoformat() in page
    filed = admin.post(
        f"/registry/accounts/{account.pk}/file/new/", {"event_date": planned.isoformat(), "reason": ""}
    )
    assert filed.status_code == 302
    filing = Filing.objects.get(account=account)
    assert filing.status == "submitted" and filing.late is False

    review_page = office.get(f"/registry/filings/{filing.pk}/").content.decode()
    assert "头像鲜明、端庄" in review_page and "提交审核意见" in review_page
    no_reason = office.post(f"/registry/filings/{filing.pk}/", {"decision": "return", "comment": ""})
    assert "退回须填写理由" in no_reason.content.decode()
    office.post(f"/registry/filings/{filing.pk}/", {"decision": "return", "comment": "请补充建设规划"})
    filing.refresh_from_db()
    assert filing.status == "returned"
    assert any("修改后重新报送" in i.title for i in items_for(filing.created_by))

    edit = admin.post(
        f"/registry/accounts/{account.pk}/edit/", {**data, "purpose_plan": "建立三审制度，每周更新三次"}
    )
    assert edit.status_code == 302
    resent = admin.post(f"/registry/filings/{filing.pk}/edit/", {"reason": "已补充"})
    assert resent.status_code == 302
    filing.refresh_from_db()
    assert filing.status == "submitted" and filing.snapshot["purpose_plan"] == "建立三审制度，每周更新三次"

    office.post(
        f"/registry/filings/{filing.pk}/",
        {"decision": "accept", "comment": "同意", "check_avatar_dignified": "on"},
    )
    filing.refresh_from_db()
    account.refresh_from_db()
    assert filing.status == "accepted" and filing.checklist["avatar_dignified"] is True
    assert account.status == "filed"

    a1 = admin.get(f"/registry/filings/{filing.pk}/a1/").content.decode()
    for value in (
        "姚安教育体育局服务",
        "☑ 微信（服务号）",
        "□ 微博",
        "陈刚",
        "13908781005",
        "建立三审制度",
        "单位负责人签字（公章）",
        "切实保障该政务新媒体的网络信息安全",
        "年　　月　　日",
    ):
        assert value in a1


def test_r4_2_6_a1_word_file_has_every_field(login, make_account) -> None:
    account = make_account(
        type="other", type_other="抖音", wechat_kind="", name="姚安教育体育局抖音", developer="云南某科技公司"
    )
    response = login("edu_admin").get(f"/registry/accounts/{account.pk}/a1.docx")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    text = docx_text(response.content)
    for value in (
        "政务公开新媒体备案登记表",
        "☑ 其他 抖音",
        "□ 微信",
        "姚安教育体育局抖音",
        "yaoanjiaoyu_news",
        "2025年10月9日（计划）",
        "县教育体育局",
        "陈刚",
        "副局长",
        "13908781005",
        "0878-5712101",
        "chengang@yaoan.gov.cn",
        "赵丽",
        "新媒体管理员",
        "13908781004",
        "zhaoli@yaoan.gov.cn",
        "云南某科技公司",
        "发布教育政策与招生信息",
        "设教育动态、招生考试、办事指南栏目",
        "单位意见",
        "单位负责人签字（公章）",
        "县人民政府办公室意见",
        "签字（公章）",
        "年    月    日",
        "我单位知晓国家互联网有关法规和相关制度",
    ):
        assert value in text, value


def test_r1_1_unit_people_see_only_their_unit(login) -> None:
    town = Account.objects.filter(unit__name="栋川镇").first()
    assert town is not None
    edu = login("edu_admin")
    ledger = edu.get("/registry/accounts/").content.decode()
    assert "姚安教育体育局" in ledger and "姚安栋川镇" not in ledger
    for url in (
        f"/registry/accounts/{town.pk}/",
        f"/registry/accounts/{town.pk}/edit/",
        f"/registry/accounts/{town.pk}/a1/",
        f"/registry/accounts/{town.pk}/a1.docx",
        f"/registry/accounts/{town.pk}/file/personnel_change/",
        f"/registry/accounts/{town.pk}/verification/",
    ):
        assert edu.get(url).status_code == 404, url
    for user in ("office_leader", "center", "county_leader"):
        assert "姚安栋川镇" in login(user).get("/registry/accounts/").content.decode()
    assert login("office_leader").get(f"/registry/accounts/{town.pk}/edit/").status_code == 403


def test_ledger_filters_and_search(login) -> None:
    office = login("office_leader")
    late = office.get("/registry/accounts/?filing=late").content.decode()
    assert "姚安教育体育局" in late and "姚安栋川镇" not in late
    returned = office.get("/registry/accounts/?filing=returned").content.decode()
    assert "姚安栋川镇" in returned and "姚安教育体育局" not in returned
    due = office.get("/registry/accounts/?filing=due").content.decode()
    assert "姚安文旅" in due  # never filed
    assert "姚安县人民政府" in office.get("/registry/accounts/?expiring=1").content.decode()
    wechat = office.get("/registry/accounts/?type=wechat&sort=name").content.decode()
    assert "姚安应急管理局" not in wechat and "姚安栋川镇" in wechat
    assert "姚安应急管理局" in office.get("/registry/accounts/?q=应急").content.decode()
    assert "没有符合条件的账号" in office.get("/registry/accounts/?status=deregistered").content.decode()
    assert office.get("/registry/accounts/?unit=abc&type=zz&sort=zz&page=999").status_code == 200


def test_an_account_shows_its_status_in_the_same_colour_on_the_ledger_and_its_page(login) -> None:
    """A deregistered account was plain on the ledger and in warning colour on its own page."""
    account = Account.objects.filter(unit__name="县教育体育局").first()
    assert account is not None
    office = login("office_leader")
    for status, tone in (("deregistered", ""), ("shutdown", " danger"), ("operating", " ok")):
        Account.objects.filter(pk=account.pk).update(status=status)
        badge = f'<span class="badge{tone}">{STATUS_LABELS[status]}</span>'
        assert badge in office.get(f"/registry/accounts/{account.pk}/").content.decode(), status
        assert badge in office.get(f"/registry/accounts/?status={status}").content.decode(), status


def test_late_filing_is_visibly_late(login) -> None:
    page = login("office_leader").get("/registry/filings/?status=all&late=1").content.decode()
    assert "逾期8个工作日" in page or "逾期" in page
    filing = Filing.objects.filter(late=True).first()
    assert filing is not None
    detail = login("edu_admin").get(f"/registry/filings/{filing.pk}/").content.decode()
    assert f"逾期{filing.late_workdays}个工作日" in detail


def test_todo_for_office_and_verification_expiry(cast) -> None:
    office_items = items_for(cast["office_leader"])
    assert any(i.kind == "备案审核" for i in office_items)
    center_items = items_for(cast["center"])
    assert any(i.kind == "认证延期" and "姚安县人民政府" in i.title for i in center_items)
    assert not any(i.kind == "备案审核" for i in items_for(cast["edu_admin"]))


def test_r3_2_1_an_expired_verification_is_not_called_expiring(cast) -> None:
    """我的待办 said 「实名认证即将到期」 of an account whose verification ran out a month ago."""
    account = Account.objects.filter(unit__county=cast["center"].county_id, verified=True).first()
    assert account is not None
    today = timezone.localdate()
    for expires, state in ((today - timedelta(days=30), "已过期"), (today + timedelta(days=10), "即将到期")):
        Account.objects.filter(pk=account.pk).update(verification_expires_on=expires)
        mine = f"/registry/accounts/{account.pk}/"
        titles = [
            i.title for i in items_for(cast["center"]) if i.kind == "认证延期" and i.url.startswith(mine)
        ]
        assert titles == [f"实名认证{state}，请办理延期：{account.name}"], titles


def _grow(n: int, actor: Any, unit: Any) -> None:
    start = Account.objects.count()
    for i in range(start, start + n):
        account = services.create_account(
            actor,
            unit,
            a1_data(
                name=f"姚安教育体育局{i}号", link=f"l{i}", type="other", type_other=f"平台{i}", wechat_kind=""
            ),
        )
        services.set_security_officer(actor, account, actor)
        services.create_filing(actor, account, "new", submit=bool(i % 2))


TOKEN: list[str] = []


def _count(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert (
            client.get(
                url, **({"HTTP_AUTHORIZATION": f"Bearer {TOKEN[0]}"} if "/api/" in url else {})
            ).status_code
            == 200
        )
    return len(ctx.captured_queries)


def test_ledger_query_count_is_constant(login, cast, unit_of) -> None:
    client = login("office_leader")
    TOKEN[:] = [ApiToken.issue(cast["office_leader"])[1]]
    _grow(2, cast["center"], unit_of("县教育体育局"))
    small = (
        _count(client, "/registry/accounts/"),
        _count(client, "/api/v1/accounts"),
        _count(client, "/registry/filings/?status=all"),
    )
    _grow(12, cast["center"], unit_of("县教育体育局"))
    large = (
        _count(client, "/registry/accounts/"),
        _count(client, "/api/v1/accounts"),
        _count(client, "/registry/filings/?status=all"),
    )
    assert small == large
    assert Filing.objects.count() >= 14


def test_forbidden_words_are_maintained_by_administrators(login, make_account) -> None:
    assert login("edu_admin").get("/registry/words/").status_code == 403
    sysadmin = login("sysadmin")
    assert sysadmin.post("/registry/words/", {"word": "官方"}).status_code == 302
    assert "已存在" in sysadmin.post("/registry/words/", {"word": "官方"}).content.decode()
    account = make_account(name="姚安教育体育局官方", type="weibo", wechat_kind="", link="w")
    page = login("edu_admin").get(f"/registry/accounts/{account.pk}/").content.decode()
    assert "禁用词“官方”" in page


def test_account_actions_pages(login, make_account, cast) -> None:
    account = make_account(opened_on=date(2020, 1, 1), planned_open_on=None)
    admin = login("edu_admin")
    base = f"/registry/accounts/{account.pk}"
    assert (
        admin.post(
            f"{base}/verification/",
            {
                "verified": "on",
                "verified_by": "微信公众平台",
                "verified_on": "2026-01-01",
                "verification_expires_on": "2025-01-01",
            },
        ).status_code
        == 200
    )
    assert (
        admin.post(
            f"{base}/verification/",
            {
                "verified": "on",
                "verified_by": "微信公众平台",
                "verified_on": "2026-01-01",
                "verification_expires_on": "2027-01-01",
            },
        ).status_code
        == 302
    )
    assert admin.post(f"{base}/security/", {"officer": cast["edu_leader"].pk}).status_code == 302
    assert (
        admin.post(f"{base}/grant/", {"user": cast["edu_admin"].pk, "granted_on": "2026-01-01"}).status_code
        == 302
    )
    assert (
        admin.post(
            f"{base}/function/", {"on": "2026-01-02", "kind": "logo", "description": "更换头像"}
        ).status_code
        == 302
    )
    assert (
        admin.post(
            f"{base}/maintenance/", {"on": "2026-01-03", "description": "更新菜单", "performed_by": "赵丽"}
        ).status_code
        == 302
    )
    assert (
        admin.post(
            f"{base}/wechat/",
            {"wechat_token": "secret-token", "wechat_aes_key": "a" * 43, "wechat_app_id": "wxid"},
        ).status_code
        == 302
    )
    page = admin.get(f"{base}/").content.decode()
    for value in ("陈刚", "更换头像", "更新菜单", "2027年1月1日", "已设置（不再显示）"):
        assert value in page
    assert "secret-token" not in page and "a" * 43 not in page
    assert "secret-token" not in admin.get(f"{base}/wechat/").content.decode()
    grant = account.operator_grants.get()
    admin.post(f"{base}/grants/{grant.pk}/revoke/", {"revoked_on": "2026-02-01"})
    grant.refresh_from_db()
    assert grant.revoked_on == date(2026, 2, 1)
    assert admin.get(f"{base}/nonsense/").status_code == 404


def test_demo_is_idempotent() -> None:
    from govmedia.registry import demo

    before = (Account.objects.count(), Filing.objects.count())
    demo.build({})
    assert (Account.objects.count(), Filing.objects.count()) == before
    assert Filing.objects.filter(status="returned").exists() and Filing.objects.filter(late=True).exists()
    assert Account.objects.filter(unit__name="姚安县人民政府", type="wechat", wechat_kind="service").exists()
