"""The pages: the duty officer's flow from patrol to leak incident to rotation task (R6.2-2, R6.3-1, R6.1-5),
exports to Excel, the file view's permission check, scoping (404), and constant query counts."""

import io
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from govmedia.org.models import User
from govmedia.registry.models import Account
from govmedia.security import patrol_services, record_services
from govmedia.security.models import Incident, OfficeNetwork, Patrol, RotationTask, SignInRecord

from .conftest import ALL_OK, make_account, png

pytestmark = pytest.mark.django_db


def test_duty_officer_flow_patrol_anomaly_leak_checklist_rotation(
    login: Any, cast: dict[str, User], accounts: dict[str, Account]
) -> None:
    duty = login("duty_officer")
    acc = accounts["edu"]
    form = duty.get(f"/security/patrols/new/?account={acc.pk}")
    assert form.status_code == 200 and "登记巡查" in form.content.decode()
    response = duty.post(
        "/security/patrols/new/",
        {
            "account": acc.pk,
            "front_content_ok": "0",
            "front_comments_ok": "1",
            "back_operators_ok": "1",
            "back_signins_ok": "0",
            "back_interfaces_ok": "1",
            "result": "anomaly",
            "notes": "首页置顶信息被修改，后台有陌生设备登录",
            "screenshots": [png("s1.png")],
        },
    )
    assert response.status_code == 302, response.content.decode()
    p = Patrol.objects.get(account=acc)
    assert p.result == "anomaly" and p.screenshots.count() == 1
    page = duty.get(response["Location"]).content.decode()
    assert "据此登记安全事件" in page and "异常" in page
    new = duty.get(f"/security/incidents/new/?patrol={p.pk}&kind=leak").content.decode()
    assert "巡查发现异常" in new
    response = duty.post(
        f"/security/incidents/new/?patrol={p.pk}",
        {
            "kind": "leak",
            "severity": "major",
            "title": "教育局微信账号泄露",
            "accounts": [acc.pk],
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "description": "巡查发现内容被改",
        },
    )
    assert response.status_code == 302, response.content.decode()
    incident = Incident.objects.get(title="教育局微信账号泄露")
    assert incident.patrol == p
    steps = list(incident.steps.order_by("order"))
    for step in steps[:3]:
        assert (
            duty.post(f"/security/incidents/{incident.pk}/steps/{step.pk}/", {"note": "已办"}).status_code
            == 302
        )
    detail = duty.get(f"/security/incidents/{incident.pk}/").content.decode()
    assert detail.count("郑浩") >= 3 and "密码更换任务" in detail
    closing = duty.post(f"/security/incidents/{incident.pk}/close/", {"review": "复盘"}, follow=True)
    assert "尚有处置事项未完成" in closing.content.decode()
    task = RotationTask.objects.get(account=acc, status="open")
    assert task.reason == "leak"
    account_page = login("edu_admin").get(f"/security/accounts/{acc.pk}/").content.decode()
    assert "账号信息泄露" in account_page and "待更换" in account_page
    home = login("edu_admin").get("/").content.decode()
    assert "更换平台密码（账号信息泄露）：测试姚安教育" in home
    # the unit records the change from the page; the task is done
    done = login("edu_admin").post(
        f"/security/accounts/{acc.pk}/password/", {"changed_on": timezone.localdate().isoformat(), "note": ""}
    )
    assert done.status_code == 302
    task.refresh_from_db()
    assert task.status == "done"


def test_bad_patrol_form_shows_chinese_error_and_changes_nothing(
    login: Any, accounts: dict[str, Account]
) -> None:
    n = Patrol.objects.count()
    response = login("duty_officer").post(
        "/security/patrols/new/",
        {
            "account": accounts["edu"].pk,
            **{k: "1" for k in ALL_OK},
            "front_content_ok": "0",
            "result": "normal",
            "screenshots": [png()],
        },
    )
    assert response.status_code == 422 and "巡查结果应为异常" in response.content.decode()
    assert Patrol.objects.count() == n


def test_other_units_records_answer_404(
    login: Any, cast: dict[str, User], accounts: dict[str, Account]
) -> None:
    p = patrol_services.record_patrol(
        cast["duty_officer"], accounts["town"], {**ALL_OK, "result": "anomaly", "notes": "x"}, [png()]
    )
    c = record_services.register_comment(
        cast["town_admin"],
        accounts["town"],
        {"commenter_id": "u1", "content": "c", "commented_at": timezone.now(), "dispositions": ["blocked"]},
        png("c.png", (20, 20)),
    )
    edu = login("edu_admin")
    assert edu.get(f"/security/patrols/{p.pk}/").status_code == 404
    assert edu.get(f"/security/accounts/{accounts['town'].pk}/").status_code == 404
    shot = p.screenshots.get()
    assert edu.get(f"/security/files/{shot.pk}/").status_code == 404
    assert edu.get(f"/security/files/{c.screenshot_id}/").status_code == 404
    town = login("town_admin").get(f"/security/files/{shot.pk}/")
    assert town.status_code == 200 and town["Content-Type"] == "image/png"
    assert b"".join(town.streaming_content).startswith(b"\x89PNG")  # type: ignore[attr-defined]
    assert "测试姚安栋川" not in edu.get("/security/patrols/").content.decode()


def test_r6_1_4_sign_ins_outside_office_networks_are_flagged(
    login: Any, cast: dict[str, User], client: Any
) -> None:
    from tests.conftest import DEMO_PASSWORD

    secadmin = login("secadmin")
    OfficeNetwork.objects.all().delete()
    bad = secadmin.post("/security/networks/", {"cidr": "10.53.0.0/33", "name": "外网"})
    assert bad.status_code == 422 and "请输入正确的网段" in bad.content.decode()
    assert (
        secadmin.post("/security/networks/", {"cidr": "10.53.0.0/16", "name": "电子政务外网"}).status_code
        == 302
    )
    client.post(
        "/accounts/login/", {"username": "edu_admin", "password": DEMO_PASSWORD}, REMOTE_ADDR="10.53.2.3"
    )
    client.post("/accounts/logout/")
    client.post(
        "/accounts/login/", {"username": "edu_admin", "password": DEMO_PASSWORD}, REMOTE_ADDR="203.0.113.9"
    )
    rows = list(
        SignInRecord.objects.filter(username="edu_admin").order_by("id").values_list("ip", "outside_office")
    )
    assert rows[-2:] == [("10.53.2.3", False), ("203.0.113.9", True)]
    page = secadmin.get("/security/signins/?only=outside").content.decode()
    assert "203.0.113.9" in page and "10.53.2.3" not in page and "办公网络以外" in page
    assert login("duty_officer").get("/security/signins/").status_code == 403
    assert (
        login("duty_officer").post("/security/networks/", {"cidr": "1.2.3.0/24", "name": "x"}).status_code
        == 403
    )


@pytest.mark.parametrize(
    "url",
    [
        "/security/accounts/",
        "/security/patrols/",
        "/security/incidents/",
        "/security/rotation/",
        "/security/comments/",
        "/security/drills/",
        "/security/trainings/",
        "/security/plans/",
        "/security/summary/",
        "/security/patrols/missed/",
        "/security/signins/",
        "/security/periods/",
    ],
)
def test_every_list_renders_and_exports_to_excel(login: Any, url: str) -> None:
    page = login("secadmin").get(url)
    assert page.status_code == 200 and "导出Excel" in page.content.decode()
    assert login("edu_admin").get(url).status_code in (200, 403)
    response = login("secadmin").get(url + "?format=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None and sheet.max_row >= 1 and sheet["A1"].value


def test_an_export_beyond_the_limit_is_refused_not_cut_off(login: Any, monkeypatch: Any) -> None:
    """A cut-off file would read as the whole record (an inspection reads these): too many rows are refused
    with a way on, and the list stays as it was filtered."""
    from govmedia.security import tables

    client = login("secadmin")
    for _ in range(2):
        login("secadmin")  # each sign-in is a row of 登录记录
    monkeypatch.setattr(tables, "MAX_EXPORT_ROWS", 1)
    response = client.get("/security/signins/?format=xlsx", follow=True)
    assert response.redirect_chain[-1][0] == "/security/signins/?"
    assert "超过1条，请缩小筛选范围" in response.content.decode()


def test_pages_render_for_the_roles(login: Any) -> None:
    for user, urls in {
        "duty_officer": [
            "/security/roster/",
            "/security/patrols/new/",
            "/security/incidents/new/",
            "/security/periods/new/",
            "/security/comments/new/",
        ],
        "secadmin": ["/security/settings/", "/security/networks/"],
        "edu_admin": ["/security/drills/new/", "/security/trainings/new/", "/security/plans/new/"],
    }.items():
        client = login(user)
        for url in urls:
            assert client.get(url).status_code == 200, url
    assert login("edu_admin").get("/security/settings/").status_code == 403


def test_plan_upload_is_versioned_and_checked_by_bytes(
    login: Any, cast: dict[str, User], settings: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from govmedia.security.models import EmergencyPlan

    edu = login("edu_admin")
    unit = cast["edu_admin"].unit
    assert unit is not None
    data = {"unit": unit.pk, "title": "县教育体育局政务新媒体应急预案", "approved_on": "2026-03-01"}
    bad = edu.post("/security/plans/new/", {**data, "file": SimpleUploadedFile("plan.pdf", b"MZ\x90\x00exe")})
    assert bad.status_code == 422 and "PDF或Word" in bad.content.decode()
    assert not EmergencyPlan.objects.filter(unit=unit).exists()
    for body in (b"%PDF-1.4 first", b"%PDF-1.4 second"):
        assert (
            edu.post(
                "/security/plans/new/", {**data, "file": SimpleUploadedFile("plan.pdf", body)}
            ).status_code
            == 302
        )
    assert list(EmergencyPlan.objects.filter(unit=unit).values_list("version", flat=True)) == [2, 1]
    plan = EmergencyPlan.objects.filter(unit=unit).first()
    assert plan is not None
    assert edu.get(f"/security/files/{plan.file_id}/").status_code == 200
    assert login("town_admin").get(f"/security/files/{plan.file_id}/").status_code == 404


def _patrols(cast: dict[str, User], n: int) -> None:
    for i in range(n):
        acc = make_account("县教育体育局", f"查询计数{Account.objects.count()}-{i}")
        patrol_services.record_patrol(cast["duty_officer"], acc, {**ALL_OK, "result": "normal"}, [])


@pytest.mark.parametrize(
    "url", ["/security/patrols/", "/security/accounts/", "/security/incidents/", "/security/rotation/"]
)
def test_list_pages_run_a_constant_number_of_queries(login: Any, cast: dict[str, User], url: str) -> None:
    from govmedia.security import incident_services, services

    client = login("duty_officer")

    def grow(n: int) -> None:
        _patrols(cast, n)
        for acc in Account.objects.filter(name__startswith="查询计数").order_by("-id")[:n]:
            services.raise_rotation_task(acc, "personnel", source=f"filing:{acc.pk}")
            incident_services.open_incident(
                cast["duty_officer"],
                {"kind": "other", "severity": "general", "title": f"事件{acc.pk}", "description": "d"},
                [acc.pk],
            )

    grow(2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    grow(6)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small), url


def test_year_summary_flags_units_without_drills_or_training(login: Any) -> None:
    page = login("office_leader").get(f"/security/summary/?year={timezone.localdate().year}").content.decode()
    assert "县教育体育局" in page and "栋川镇" in page
    assert login("edu_admin").get("/security/summary/?year=abc").status_code == 200


def test_roster_page_generates_and_swaps(login: Any, cast: dict[str, User]) -> None:
    duty = login("duty_officer")
    first = timezone.localdate().replace(day=1) + timedelta(days=95)
    first = first.replace(day=1)
    response = duty.post(
        f"/security/roster/?month={first.year}-{first.month}",
        {
            "people": [cast["duty_officer"].pk, cast["secadmin"].pk],
            "first": first.isoformat(),
            "last": (first + timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 302
    from govmedia.security.models import DutyShift

    a, b = DutyShift.objects.filter(on__in=[first, first + timedelta(days=1)]).order_by("on")
    swap = duty.post(
        f"/security/roster/{a.pk}/", {"action": "swap", "other": b.on.isoformat(), "reason": "调休"}
    )
    assert swap.status_code == 302
    a.refresh_from_db()
    assert a.user == cast["secadmin"]
    page = duty.get(f"/security/roster/?month={first.year}-{first.month}").content.decode()
    assert "换班" in page and "调休" in page
    assert (
        login("edu_admin").post(f"/security/roster/?month={first.year}-{first.month}", {}).status_code == 403
    )


def test_pick_lists_are_check_boxes(login: Any) -> None:
    """A phone can tick several dispositions, accounts or people; a multiple <select> needs a keyboard."""
    for username, url, name in [
        ("secadmin", "/security/comments/new/", "dispositions"),
        ("duty_officer", "/security/incidents/new/", "accounts"),
    ]:
        html = login(username).get(url).content.decode()
        assert f'type="checkbox" name="{name}"' in html, url
        assert f'<select name="{name}"' not in html, url
