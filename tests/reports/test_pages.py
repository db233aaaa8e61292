"""Inspection table (B-5), period reports (R3.2.7, R6.2-1), the centre's overview: correct on the demo data,
exportable, bad parameters refused in Chinese, and a constant number of queries as rows grow."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from govmedia.inquiries.models import Inquiry
from govmedia.org.models import Unit, User
from govmedia.publishing.models import Post
from govmedia.registry.models import Account
from govmedia.reports.facts import inspection

pytestmark = pytest.mark.django_db


def _by_name(user: User) -> dict[str, Any]:
    return {v.facts.name: v for v in inspection(user)}


def test_b5_demo_data_crosses_every_line(cast: dict[str, User]) -> None:
    verdicts = _by_name(cast["center"])
    crossed = {line.code for v in verdicts.values() for line in v.lines if line.status == "fail"}
    assert crossed == {"update", "interaction", "unanswered", "zombie", "filing", "verification"}
    wenlv = verdicts["姚安文旅"]
    assert not wenlv.passed and wenlv.vetoed
    assert {line.code for line in wenlv.lines if line.status == "fail"} >= {"unanswered", "verification"}
    assert any("超过3个月" in r for r in wenlv.reasons) and any("实名认证已于" in r for r in wenlv.reasons)
    edu = verdicts["姚安教育体育局"]
    assert edu.line("filing").status == "fail" and "逾期" in edu.line("filing").reason
    assert edu.line("interaction").status == "fail"
    planned = verdicts["姚安卫生健康局"]
    assert planned.passed  # planned: nothing to inspect yet


def test_b5_publishing_today_clears_the_update_line(cast: dict[str, User]) -> None:
    account = Account.objects.get(name="姚安教育体育局")
    assert _by_name(cast["center"])["姚安教育体育局"].line("update").status == "fail"
    post = Post.objects.create(
        unit=account.unit,
        author=cast["edu_admin"],
        title="测试",
        body="正文",
        content_hash="x",
        status="published",
        published_at=timezone.now(),
        approved_at=timezone.now() - timedelta(minutes=30),
    )
    post.accounts.add(account)
    post.accounts.update(last_published_at=post.published_at)  # what publishing.services.publish keeps
    verdict = _by_name(cast["center"])["姚安教育体育局"]
    assert verdict.line("update").status == "pass" and verdict.line("zombie").status == "pass"


def test_b5_units_see_only_their_own_accounts(cast: dict[str, User]) -> None:
    assert set(_by_name(cast["edu_admin"])) == {"姚安教育体育局"}


def test_b5_inspection_page_and_excel_export(login: Any) -> None:
    client = login("center")
    page = client.get("/reports/inspection/").content.decode()
    assert "姚安文旅" in page and "不合格（单项否决）" in page and "超过3个月未回复" in page
    fails = client.get("/reports/inspection/?result=fail").content.decode()
    assert "姚安文旅" in fails and "姚安卫生健康局" not in fails
    response = client.get("/reports/inspection/?format=xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    ws = load_workbook(BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:6] == ("单位", "账号", "类型", "状态", "最近更新", "结论")
    wenlv = next(r for r in rows if r[1] == "姚安文旅")
    assert wenlv[5].startswith("不合格") and "实名认证已于" in wenlv[-2]


def test_b5_inspection_rows_escape_what_people_typed(login: Any) -> None:
    """The table's rows are built in Python (templatetags/inspection.py): names stay text, never markup."""
    Account.objects.filter(name="姚安文旅").update(name='姚安<b>文旅</b>"x')
    page = login("center").get("/reports/inspection/").content.decode()
    assert "姚安&lt;b&gt;文旅&lt;/b&gt;&quot;x（" in page and "<b>文旅" not in page
    row = page.split("姚安&lt;b&gt;")[1].split("</tr>")[0]  # from the account cell on: 10 cells
    assert (
        row.count('<td data-label="') == 10 and '<span class="badge danger">不合格（单项否决）</span>' in row
    )


@pytest.mark.parametrize("query", ["unit=abc", "unit=999999", "result=zzz", "unit=-1"])
def test_b5_bad_inspection_filters_answer_400_in_chinese(login: Any, query: str) -> None:
    response = login("center").get(f"/reports/inspection/?{query}")
    assert response.status_code == 400
    assert "单位" in response.content.decode() or "结论" in response.content.decode()


def test_b5_another_units_filter_is_refused_for_a_unit(login: Any) -> None:
    town = Unit.objects.get(name="栋川镇")
    assert login("edu_admin").get(f"/reports/inspection/?unit={town.pk}").status_code == 400


def test_r3_2_7_period_report_with_charts_excel_and_print(login: Any) -> None:
    client = login("center")
    page = client.get("/reports/").content.decode()
    assert "<svg" in page and "各单位发布信息" in page and "<script>" not in page.split("</head>")[1]
    assert "按单位" in page and "按账号" in page
    for query in (
        "period=quarter&year=2026&quarter=4",
        "period=year&year=2026",
        "period=month&year=2026&month=1",
    ):
        assert client.get(f"/reports/?{query}").status_code == 200
    response = client.get("/reports/?period=year&year=2026&format=xlsx")
    assert response.status_code == 200
    wb = load_workbook(BytesIO(response.content))
    assert wb.sheetnames == ["按单位", "按账号"]
    header = next(wb["按单位"].iter_rows(values_only=True))
    assert header[0] == "单位" and "1小时内发布占比（%）" in header
    printed = client.get("/reports/print/?period=month&year=2026&month=11").content.decode()
    assert "月报" in printed and "2026年11月" in printed and "检查指标不合格账号" in printed


def test_r3_2_7_report_counts_posts_and_publication_speed(cast: dict[str, User], login: Any) -> None:
    account = Account.objects.get(name="姚安教育体育局")
    now = timezone.now()
    for minutes in (20, 50, 200):
        post = Post.objects.create(
            unit=account.unit,
            author=cast["edu_admin"],
            title=f"报表{minutes}",
            body="正文",
            content_hash="x",
            status="published",
            approved_at=now - timedelta(minutes=minutes),
            published_at=now,
        )
        post.accounts.add(account)
    from govmedia.reports import metrics, periods

    today = timezone.localdate()
    report = metrics.build(cast["edu_admin"], periods.Period("month", today.year, today.month))
    [row] = [r for r in report.units if r["label"] == "县教育体育局"]
    assert row["posts"] == 3 and row["within_hour_rate"] == 66.7 and row["avg_publish_minutes"] == 90.0
    [acc] = [r for r in report.accounts if r["label"] == "姚安教育体育局"]
    assert acc["posts"] == 3


@pytest.mark.parametrize(
    "query",
    [
        "period=week",
        "month=13",
        "month=0",
        "year=abc",
        "year=1999",
        "period=quarter&quarter=5",
        "period=quarter&quarter=x",
        "year=2026.5",
    ],
)
def test_r3_2_7_bad_period_parameters_answer_400(login: Any, query: str) -> None:
    client = login("center")
    for url in ("/reports/", "/reports/print/", "/reports/?format=xlsx&"):
        response = client.get(f"{url}{'&' if '?' in url else '?'}{query}")
        assert response.status_code == 400
        assert "统计周期有误" in response.content.decode()


def test_overview_per_unit_due_late_on_time(login: Any) -> None:
    page = login("center").get("/reports/overview/").content.decode()
    assert "工作概览" in page and "栋川镇" in page and "已超期" in page
    assert "县教育体育局" not in login("town_admin").get("/reports/overview/").content.decode()


def _count(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _grow(cast: dict[str, User], n: int) -> None:
    edu = Unit.objects.get(name="县教育体育局")
    now = timezone.now()
    for i in range(n):
        account = Account.objects.create(
            unit=edu,
            type="other",
            type_other="抖音",
            name=f"增长账号{Account.objects.count()}{i}",
            link="l",
            status="operating",
        )
        post = Post.objects.create(
            unit=edu,
            author=cast["edu_admin"],
            title=f"增长{i}",
            body="正文",
            content_hash="x",
            status="published",
            approved_at=now - timedelta(minutes=10),
            published_at=now,
        )
        post.accounts.add(account)
        Inquiry.objects.create(
            account=account, platform="other", content="咨询", received_at=now - timedelta(days=i)
        )


PAGES = ["/reports/", "/reports/inspection/", "/reports/overview/", "/reports/print/", "/notifications/", "/"]


def test_dashboards_keep_a_constant_number_of_queries(login: Any, cast: dict[str, User]) -> None:
    client = login("center")
    _grow(cast, 2)
    for url in PAGES:
        client.get(url)  # warm caches (session, calendar resolver)
    small = [_count(client, url) for url in PAGES]
    _grow(cast, 12)
    assert [_count(client, url) for url in PAGES] == small
