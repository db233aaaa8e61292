"""Duty roster and patrols (R6.2-2, R6.2-4), uploads checked by their bytes, malicious comments (R6.2-3),
drills and trainings (R6.1-1, R6.1-3, R3.2.6)."""

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from govmedia.org.models import User
from govmedia.registry.models import Account
from govmedia.security import patrol_services, record_services, uploads
from govmedia.security.models import (
    DutyChange,
    DutyShift,
    MaliciousComment,
    MissedPatrol,
    Patrol,
    StoredFile,
    Training,
)

from .conftest import ALL_OK, media_files, png, png_bytes

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def at(d: date, h: int, m: int = 0) -> datetime:
    return datetime(d.year, d.month, d.day, h, m, tzinfo=TZ)


def patrol(cast: dict[str, User], account: Account, when: datetime | None = None, **kw: Any) -> Patrol:
    p = patrol_services.record_patrol(cast["duty_officer"], account, {**ALL_OK, "result": "normal", **kw})
    if when:
        Patrol.objects.filter(pk=p.pk).update(at=when)
    return p


def test_r6_2_2_patrol_is_timed_by_the_server_and_audited(
    cast: dict[str, User], accounts: dict[str, Account]
) -> None:
    before = timezone.now()
    p = patrol(cast, accounts["edu"])
    assert before <= p.at <= timezone.now() and p.by == cast["duty_officer"] and p.result == "normal"


@pytest.mark.parametrize(
    "data,field",
    [
        ({**ALL_OK, "front_content_ok": False, "result": "normal"}, "result"),
        ({**ALL_OK, "result": "anomaly", "notes": ""}, "notes"),
        ({**ALL_OK, "result": "maybe"}, "result"),
        ({**ALL_OK, "back_signins_ok": "yes", "result": "normal"}, "back_signins_ok"),
        ({"result": "normal"}, "front_content_ok"),
    ],
)
def test_r6_2_2_bad_patrol_input_is_refused_and_changes_nothing(
    cast: dict[str, User], accounts: dict[str, Account], data: dict[str, Any], field: str
) -> None:
    n = Patrol.objects.count()
    with pytest.raises(ValidationError) as err:
        patrol_services.record_patrol(cast["duty_officer"], accounts["edu"], data)
    assert field in err.value.message_dict and Patrol.objects.count() == n


def test_r6_2_2_unit_admin_patrols_only_its_own_accounts(
    cast: dict[str, User], accounts: dict[str, Account]
) -> None:
    patrol_services.record_patrol(cast["edu_admin"], accounts["edu"], {**ALL_OK, "result": "normal"})
    with pytest.raises(PermissionDenied):
        patrol_services.record_patrol(cast["edu_admin"], accounts["town"], {**ALL_OK, "result": "normal"})
    with pytest.raises(PermissionDenied):
        patrol_services.record_patrol(cast["office_leader"], accounts["town"], {**ALL_OK, "result": "normal"})
    assert set(Patrol.objects.visible_to(cast["edu_admin"]).values_list("account__unit", flat=True)) == {
        accounts["edu"].unit_id
    }


def test_r6_2_2_screenshots_are_checked_by_bytes_and_stored_under_sha256(
    cast: dict[str, User], settings: Any, accounts: dict[str, Account]
) -> None:
    import hashlib

    p = patrol_services.record_patrol(
        cast["duty_officer"],
        accounts["edu"],
        {**ALL_OK, "front_comments_ok": False, "result": "anomaly", "notes": "辱骂评论"},
        [png("a.png"), png("b.jpg", (50, 50))],
    )
    shots = list(p.screenshots.all())
    assert len(shots) == 2 and all(s.format == "png" for s in shots)
    sha = hashlib.sha256(png_bytes()).hexdigest()
    assert (settings.MEDIA_ROOT / "security" / sha[:2] / sha).read_bytes() == png_bytes()
    assert not list((settings.MEDIA_ROOT / "security" / "tmp").iterdir())


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("fake.png", b"<?php system($_GET['c']); ?>", content_type="image/png"),
        SimpleUploadedFile("trunc.png", png_bytes()[:60], content_type="image/png"),
        SimpleUploadedFile("empty.png", b"", content_type="image/png"),
        SimpleUploadedFile("doc.png", b"%PDF-1.4 not an image", content_type="image/png"),
    ],
)
def test_rejected_screenshot_leaves_nothing_behind(
    cast: dict[str, User], settings: Any, accounts: dict[str, Account], upload: Any
) -> None:
    n, files = Patrol.objects.count(), StoredFile.objects.count()
    with pytest.raises(ValidationError) as err:
        patrol_services.record_patrol(
            cast["duty_officer"],
            accounts["edu"],
            {**ALL_OK, "result": "normal"},
            [png("good.png", (33, 33)), upload],
        )
    assert "screenshots" in err.value.message_dict
    assert Patrol.objects.count() == n and StoredFile.objects.count() == files
    assert [f for f in media_files(settings) if not f.startswith("security/tmp")] == []


def test_oversized_screenshot_is_refused_while_streaming(
    cast: dict[str, User], settings: Any, monkeypatch: Any, accounts: dict[str, Account]
) -> None:
    monkeypatch.setattr(uploads, "MAX_IMAGE_BYTES", 100)
    with pytest.raises(ValidationError, match="文件超过100字节"):
        patrol_services.record_patrol(
            cast["duty_officer"],
            accounts["edu"],
            {**ALL_OK, "result": "normal"},
            [png("big.png", (300, 300))],
        )
    assert media_files(settings) == []


def test_r6_2_4_missed_patrols_in_a_national_holiday_are_flagged(
    cast: dict[str, User], accounts: dict[str, Account]
) -> None:
    d = date(2026, 10, 1)  # 国庆节: heightened, four windows 8-12-16-20-24
    Account.objects.filter(pk=accounts["edu"].pk).update(created_at=at(d, 0) - timedelta(days=30))
    acc = Account.objects.get(pk=accounts["edu"].pk)
    patrol(cast, acc, at(d, 9))
    patrol(cast, acc, at(d, 17))
    found = patrol_services.missed_between([acc], d, d, now=at(d + timedelta(days=1), 8))
    assert [(w.start.hour, w.heightened) for _, w in found] == [(12, "国庆节"), (20, "国庆节")]
    # an ordinary working day: two windows of working hours
    w = date(2026, 10, 12)
    patrol(cast, acc, at(w, 9))
    found = patrol_services.missed_between([acc], w, w, now=at(w, 23))
    assert [(x.start.hour, x.heightened) for _, x in found] == [(13, "")]


def test_r6_2_4_county_meeting_raises_the_frequency(
    cast: dict[str, User], accounts: dict[str, Account]
) -> None:
    w = date(2026, 10, 13)
    acc = accounts["edu"]
    Account.objects.filter(pk=acc.pk).update(created_at=at(w, 0) - timedelta(days=30))
    acc.refresh_from_db()
    patrol(cast, acc, at(w, 9))
    patrol(cast, acc, at(w, 14))
    assert patrol_services.missed_between([acc], w, w, now=at(w, 23, 59)) == []
    patrol_services.add_period(cast["duty_officer"], "县人代会", w, w)
    found = patrol_services.missed_between([acc], w, w, now=at(w + timedelta(days=1), 1))
    assert [(x.start.hour, x.heightened) for _, x in found] == [(16, "县人代会"), (20, "县人代会")]


def test_account_created_later_owes_no_earlier_patrols(
    cast: dict[str, User], accounts: dict[str, Account]
) -> None:
    d = date(2026, 10, 12)
    Account.objects.filter(pk=accounts["edu"].pk).update(created_at=at(d, 14))
    acc = Account.objects.get(pk=accounts["edu"].pk)
    found = patrol_services.missed_between([acc], d, d, now=at(d, 23))
    assert [w.start.hour for _, w in found] == [13]


def test_r6_2_4_sweeper_flags_once(cast: dict[str, User], accounts: dict[str, Account]) -> None:
    now = timezone.now()
    first = patrol_services.sweep_missed_patrols(now)
    assert first > 0
    assert patrol_services.sweep_missed_patrols(now) == 0
    assert MissedPatrol.objects.filter(account=accounts["edu"]).exists()
    assert (
        MissedPatrol.objects.visible_to(cast["town_admin"])
        .exclude(account__unit=cast["town_admin"].unit)
        .count()
        == 0
    )


def test_heightened_period_input_is_checked(cast: dict[str, User]) -> None:
    d = date(2026, 12, 1)
    with pytest.raises(ValidationError):
        patrol_services.add_period(cast["duty_officer"], "", d, d)
    with pytest.raises(ValidationError):
        patrol_services.add_period(cast["duty_officer"], "会", d, d - timedelta(days=1))
    with pytest.raises(PermissionDenied):
        patrol_services.add_period(cast["edu_admin"], "会", d, d)


def test_r6_2_2_roster_rotates_and_records_edits_and_swaps(cast: dict[str, User]) -> None:
    people = [cast["duty_officer"], cast["secadmin"]]
    first = date(2027, 3, 1)
    assert (
        patrol_services.generate_roster(cast["duty_officer"], people, first, first + timedelta(days=3)) == 4
    )
    shifts = list(DutyShift.objects.filter(on__gte=first).order_by("on"))
    assert [s.user.username for s in shifts] == ["duty_officer", "secadmin", "duty_officer", "secadmin"]
    assert (
        patrol_services.generate_roster(cast["duty_officer"], people, first, first + timedelta(days=3)) == 0
    )
    patrol_services.swap_shifts(cast["duty_officer"], shifts[0], shifts[1], "家中有事")
    shifts = list(DutyShift.objects.filter(on__gte=first).order_by("on"))
    assert [s.user.username for s in shifts[:2]] == ["secadmin", "duty_officer"]
    patrol_services.reassign_shift(cast["secadmin"], shifts[3], cast["center"], "出差")
    assert DutyChange.objects.filter(shift__on__gte=first, kind="swapped").count() == 2
    edit = DutyChange.objects.get(shift=shifts[3], kind="edited")
    assert edit.before == cast["secadmin"] and edit.after == cast["center"] and edit.reason == "出差"


def test_roster_bad_input_changes_nothing(cast: dict[str, User]) -> None:
    first = date(2027, 4, 1)
    n = DutyShift.objects.count()
    for people, a, b in [
        ([], first, first),
        ([cast["duty_officer"]], first, first - timedelta(days=1)),
        ([cast["edu_admin"]], first, first),
        ([cast["duty_officer"]] * 2, first, first),
        ([cast["duty_officer"]], first, first + timedelta(days=400)),
    ]:
        with pytest.raises(ValidationError):
            patrol_services.generate_roster(cast["duty_officer"], people, a, b)
    with pytest.raises(PermissionDenied):
        patrol_services.generate_roster(cast["edu_admin"], [cast["duty_officer"]], first, first)
    shift = DutyShift.objects.first()
    assert shift is not None
    with pytest.raises(ValidationError):
        patrol_services.reassign_shift(cast["duty_officer"], shift, cast["secadmin"], "")
    assert DutyShift.objects.count() == n


def comment_data(**kw: Any) -> dict[str, Any]:
    return {
        "commenter_id": "weibo_user_123",
        "content": "辱骂内容",
        "commented_at": timezone.now() - timedelta(hours=1),
        "dispositions": ["deleted", "reported"],
        "inquiry_id": "",
        **kw,
    }


def test_r6_2_3_malicious_comment_is_registered_with_its_evidence(
    cast: dict[str, User], accounts: dict[str, Account]
) -> None:
    c = record_services.register_comment(
        cast["edu_admin"], accounts["edu"], comment_data(inquiry_id="42", inquiry_ref="留言#42 辱骂"), png()
    )
    assert (
        c.platform == "wechat" and c.inquiry_id == 42 and c.disposition_labels() == ["已删除", "已向平台举报"]
    )
    assert c.screenshot.format == "png"


@pytest.mark.parametrize(
    "bad,field",
    [
        ({"commenter_id": ""}, "commenter_id"),
        ({"dispositions": []}, "dispositions"),
        ({"dispositions": ["burn"]}, "dispositions"),
        ({"inquiry_id": "abc"}, "inquiry_id"),
        ({"inquiry_id": "-3"}, "inquiry_id"),
        ({"commented_at": None}, "commented_at"),
        ({"platform": "myspace"}, "platform"),
    ],
)
def test_r6_2_3_bad_comment_input_changes_nothing(
    cast: dict[str, User], settings: Any, accounts: dict[str, Account], bad: dict[str, Any], field: str
) -> None:
    n = MaliciousComment.objects.count()
    with pytest.raises(ValidationError) as err:
        record_services.register_comment(cast["edu_admin"], accounts["edu"], comment_data(**bad), png())
    assert field in err.value.message_dict
    assert MaliciousComment.objects.count() == n and media_files(settings) == []


def test_r6_2_3_screenshot_is_required_and_other_units_refused(
    cast: dict[str, User], accounts: dict[str, Account]
) -> None:
    with pytest.raises(ValidationError):
        record_services.register_comment(cast["edu_admin"], accounts["edu"], comment_data(), None)
    with pytest.raises(PermissionDenied):
        record_services.register_comment(cast["edu_admin"], accounts["town"], comment_data(), png())


def test_r3_2_6_trainings_and_drills_summarised_per_unit_and_year(cast: dict[str, User]) -> None:
    unit = cast["edu_admin"].unit
    assert unit is not None
    year = timezone.localdate().year
    day = date(year, 1, 5) if timezone.localdate() >= date(year, 1, 5) else timezone.localdate()
    record_services.record_training(
        cast["edu_admin"],
        unit,
        {
            "on": day,
            "topic": "security",
            "title": "密码管理",
            "trainer": "何琳",
            "attendees": "赵丽、陈刚\n王芳",
        },
    )
    record_services.record_drill(
        cast["edu_admin"], unit, {"on": day, "scenario": "账号被盗", "participants": "赵丽"}
    )
    rows = {r["unit"].name: r for r in record_services.year_summary(cast["edu_admin"], year)}
    assert list(rows) == ["县教育体育局"]
    edu = rows["县教育体育局"]
    assert edu["drills"] >= 1 and edu["topics"][list(Training.Topic.values).index("security")] >= 1
    assert edu["attendance"] >= 3
    with pytest.raises(PermissionDenied):
        record_services.record_training(
            cast["edu_admin"],
            cast["town_admin"].unit,  # type: ignore[arg-type]
            {"on": day, "topic": "security", "title": "x", "trainer": "y", "attendees": "z"},
        )
    with pytest.raises(ValidationError) as err:
        record_services.record_training(
            cast["edu_admin"],
            unit,
            {
                "on": timezone.localdate() + timedelta(days=3),
                "topic": "cooking",
                "title": "",
                "trainer": "",
                "attendees": "",
            },
        )
    assert set(err.value.message_dict) == {"on", "topic", "title", "trainer", "attendees"}
