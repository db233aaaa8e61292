"""/calendar/: the system administrator enters a year's schedule (DEADLINES.md source 1, R B-1)."""

from datetime import date
from typing import Any

import pytest

from govmedia.calendar.models import HolidaySchedule
from govmedia.calendar.services import open_deadline
from govmedia.web.markup import PROVISIONAL

pytestmark = pytest.mark.django_db

LINES = "元旦 2027-01-01 2027-01-03\n春节 2027-02-06 至 2027-02-13\n调休上班 2027-02-14 2027-02-20"


def test_b1_only_sysadmin_sees_the_schedule_pages(login: Any) -> None:
    for username in ("center", "office_leader", "auditor", "edu_admin"):
        client = login(username)
        assert client.get("/calendar/").status_code == 403
        assert client.get("/calendar/2025/").status_code == 403
        assert client.post("/calendar/", {"year": 2027, "text": LINES}).status_code == 403
    assert not HolidaySchedule.objects.exists()


def test_b1_list_shows_each_years_source(login: Any) -> None:
    page = login("sysadmin").get("/calendar/").content.decode()
    assert "工作日安排" in page and "内置数据" in page and "未发布，暂按周一至周五" in page


def test_b1_entering_a_year_in_lines_recomputes_and_shows_the_year(login: Any) -> None:
    d = open_deadline("after_workdays", date(2027, 2, 5), 3, "7")
    client = login("sysadmin")
    response = client.post(
        "/calendar/", {"year": 2027, "text": LINES, "source": "国办发明电〔2026〕7号"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/calendar/2027/"
    page = response.content.decode()
    assert "2027年节假日安排已保存；" in page and "个时限已按新安排重新计算。" in page
    assert (
        "春节" in page and "2月6日（星期六）至2月13日（星期六）" in page and "2027年2月14日（星期日）" in page
    )
    row = HolidaySchedule.objects.get(year=2027)
    assert (row.source_note, row.entered_by.username if row.entered_by else None) == (
        "国办发明电〔2026〕7号",
        "sysadmin",
    )
    d.refresh_from_db()
    assert not d.provisional
    assert "已录入" in client.get("/calendar/").content.decode()
    edit = client.get("/calendar/?year=2027").content.decode()
    assert "春节 2027-02-06 2027-02-13" in edit  # prefilled for a replacement


def test_b1_pasted_json_is_accepted_too(login: Any, schedule_2027: Any) -> None:
    import json

    client = login("sysadmin")
    response = client.post(
        "/calendar/", {"year": 2027, "text": json.dumps(schedule_2027, ensure_ascii=False)}
    )
    assert response.status_code == 302
    assert HolidaySchedule.objects.get(year=2027).source_note == "测试用安排"


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"year": 2027, "text": "元旦 2026-12-31 2027-01-01"}, "2026-12-31不在2027年内"),
        ({"year": 2027, "text": "元旦 2027-01-03 2027-01-01"}, "结束日期早于开始日期"),
        ({"year": 2027, "text": "春节"}, "第1行应写成"),
        ({"year": 2027, "text": "元旦 2027-1-1"}, "YYYY-MM-DD"),
        ({"year": 2027, "text": '{"year": 2026, "holidays": []}'}, "不一致"),
        ({"year": 2027, "text": '{"year": 2027,'}, "JSON格式有误"),
        ({"year": 1800, "text": "元旦 1800-01-01"}, "1900"),
        ({"year": 2027, "text": ""}, "这个字段是必填项"),
    ],
)
def test_b1_bad_schedule_on_the_page_shows_chinese_errors_and_saves_nothing(
    login: Any, form: dict[str, Any], message: str
) -> None:
    response = login("sysadmin").post("/calendar/", form)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not HolidaySchedule.objects.exists()


def test_b1_weekday_listed_as_workday_warns(login: Any) -> None:
    response = login("sysadmin").post(
        "/calendar/", {"year": 2027, "text": "元旦 2027-01-01\n调休上班 2027-01-04"}, follow=True
    )
    assert "2027-01-04是星期一，本来就是工作日。" in response.content.decode()


def test_b1_year_page_for_packaged_and_unpublished_years(login: Any) -> None:
    client = login("sysadmin")
    page = client.get("/calendar/2025/").content.decode()
    assert "内置数据" in page and "国庆节" in page and "2025年9月28日（星期日）" in page
    page = client.get("/calendar/2099/").content.decode()
    assert "尚未录入" in page
    assert client.get("/calendar/1800/").status_code == 404


def test_b1_home_reminds_the_sysadmin_to_enter_a_year_with_provisional_deadlines(
    cast: Any, schedule_2027: Any
) -> None:
    from govmedia.calendar.services import import_schedule
    from govmedia.calendar.todo import calendar_todos

    open_deadline("after_workdays", date(2099, 3, 2), 3, "7")
    titles = [item.title for item in calendar_todos(cast["sysadmin"])]
    assert "录入2099年节假日安排（国务院办公厅通知）" in titles
    assert calendar_todos(cast["center"]) == []
    import_schedule(
        cast["sysadmin"],
        {
            **schedule_2027,
            "year": 2099,
            "holidays": [{"name": "元旦", "start": "2099-01-01", "end": "2099-01-01"}],
            "workdays": [],
        },
    )
    assert "录入2099年节假日安排（国务院办公厅通知）" not in [
        i.title for i in calendar_todos(cast["sysadmin"])
    ]


def test_b1_deadline_tag_marks_overdue_and_provisional() -> None:
    """DEADLINES.md: a provisional deadline is shown as 「暂按周一至周五计算」; overdue is visible."""
    from django.template import Context, Template

    tag = Template("{% load deadlines %}{% deadline d %}")
    overdue = open_deadline("after_workdays", date(2025, 9, 26), 5, "7")
    html = tag.render(Context({"d": overdue}))
    assert "2025年10月10日 23:59前" in html and "已超期" in html
    provisional = open_deadline("after_workdays", date(2099, 3, 2), 3, "7")
    html = tag.render(Context({"d": provisional}))
    assert PROVISIONAL in html and "已超期" not in html


def test_b1_a_browser_set_to_english_still_gets_chinese_messages(login: Any) -> None:
    """Chinese throughout: the browser's Accept-Language does not switch Django's own messages."""
    client = login("sysadmin")
    response = client.post("/calendar/", {"year": 2027, "text": ""}, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert "这个字段是必填项" in html and "This field is required" not in html
    assert 'lang="zh-hans"' in html
