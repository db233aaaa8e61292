"""督办 (R7-3 deadlines supervised): notices per working day, idempotent sweeps, 我的待办."""

from datetime import timedelta
from typing import Any

from django.core.management import call_command
from django.utils import timezone

from govmedia.inquiries import services
from govmedia.inquiries.models import Inquiry, SupervisionNotice
from govmedia.inquiries.supervision import supervise
from govmedia.org.models import Unit, User
from govmedia.web.todo import items_for

from .conftest import at


def _overdue_transfer(cast: dict[str, User], new_inquiry: Any, monkeypatch: Any, when: str) -> Inquiry:
    monkeypatch.setattr(timezone, "now", lambda: at(when))
    inquiry = new_inquiry(received_at=at(when))
    inquiry = services.instruct(
        cast["office_leader"], inquiry, "transfer", "", [Unit.objects.get(name="栋川镇").pk]
    )
    inquiry = services.transfer(cast["center"], inquiry)
    monkeypatch.undo()
    return inquiry


def test_r7_3_supervision_repeats_each_working_day_once(
    cast: Any, new_inquiry: Any, monkeypatch: Any
) -> None:
    inquiry = _overdue_transfer(cast, new_inquiry, monkeypatch, "2025-09-26T10:00:00+08:00")  # due 2025-10-10
    assert supervise(at("2025-10-10T23:00:00+08:00")) == 0  # not overdue yet
    assert supervise(at("2025-10-11T09:00:00+08:00")) >= 1  # Saturday: first notice at once
    assert supervise(at("2025-10-12T09:00:00+08:00")) == 0  # Sunday: repeats wait for a working day
    monday = at("2025-10-13T09:00:00+08:00")
    assert supervise(monday) >= 1
    assert supervise(monday) == 0
    assert supervise(at("2025-10-13T17:00:00+08:00")) == 0
    assert supervise(at("2025-10-14T09:00:00+08:00")) >= 1
    notices = list(SupervisionNotice.objects.filter(inquiry=inquiry).order_by("on_date"))
    assert [n.on_date.isoformat() for n in notices] == ["2025-10-11", "2025-10-13", "2025-10-14"]
    assert [n.sequence for n in notices] == [1, 2, 3]
    assert "2025年10月10日23:59" in notices[0].message and notices[0].unit.name == "栋川镇"


def test_r7_3_a_supervised_transfer_is_not_read_again_until_its_next_working_day(
    cast: Any, new_inquiry: Any, monkeypatch: Any, django_assert_max_num_queries: Any
) -> None:
    """The sweep runs every minute, and a province may have tens of thousands of overdue transfers."""
    for _ in range(3):
        _overdue_transfer(cast, new_inquiry, monkeypatch, "2025-09-26T10:00:00+08:00")
    monday = at("2025-10-13T09:00:00+08:00")
    assert supervise(monday) == 3
    with django_assert_max_num_queries(2):  # the day's calendar, and the overdue transfers: none left
        assert supervise(monday + timedelta(minutes=1)) == 0
    saturday = at("2025-10-18T09:00:00+08:00")
    with django_assert_max_num_queries(2):
        assert supervise(saturday) == 0


def test_r7_3_sweep_command_twice_adds_one_notice(
    cast: Any, new_inquiry: Any, monkeypatch: Any, login: Any
) -> None:
    inquiry = _overdue_transfer(cast, new_inquiry, monkeypatch, "2025-09-26T10:00:00+08:00")
    call_command("sweep", stdout=_Null(), stderr=_Null())
    call_command("sweep", stdout=_Null(), stderr=_Null())
    assert SupervisionNotice.objects.filter(inquiry=inquiry).count() == 1
    titles = [i.title for i in items_for(cast["town_leader"])]
    assert any("督办" in t and inquiry.number in t for t in titles)
    assert any(inquiry.number in i.title for i in items_for(cast["center"]))
    assert not any(inquiry.number in i.title for i in items_for(cast["edu_leader"]))
    page = login("town_leader").get(f"/inquiries/{inquiry.pk}/").content.decode()
    assert "督办记录" in page and "第1次督办" in page
    assert inquiry.number in login("center").get("/inquiries/?tab=overdue").content.decode()


def test_r7_3_signed_off_transfers_are_not_supervised(cast: Any, new_inquiry: Any, monkeypatch: Any) -> None:
    inquiry = _overdue_transfer(cast, new_inquiry, monkeypatch, "2025-09-26T10:00:00+08:00")
    inquiry = services.draft_reply(cast["town_admin"], inquiry, "意见")
    services.sign_off(cast["town_leader"], inquiry)
    supervise(at("2025-10-13T09:00:00+08:00"))
    assert not SupervisionNotice.objects.filter(inquiry=inquiry).exists()


class _Null:
    def write(self, *_: Any) -> None:
        pass

    def flush(self) -> None:
        pass


def test_todo_lists_waiting_steps_soonest_first(cast: Any, new_inquiry: Any) -> None:
    a = new_inquiry()
    items = [i for i in items_for(cast["office_leader"]) if i.kind == "留言处置"]
    assert any(a.number in i.title or str(a.pk) in i.title for i in items)


def test_todo_names_each_message_by_its_id_and_first_words(cast: Any, new_inquiry: Any) -> None:
    """The to-do reads a message's first words in the step query (inquiries.todo); the title is the
    message's own label."""
    short = new_inquiry(content="请问秋季学期\n什么时候开学？")
    long = new_inquiry(content="一二三四五六七八九十" * 3 + "多出来的字")
    titles = {i.title for i in items_for(cast["office_leader"]) if i.kind == "留言处置"}
    assert any(t.endswith(f"：留言{short.pk}：请问秋季学期 什么时候开学？") for t in titles)
    assert any(t.endswith(f"：留言{long.pk}：{'一二三四五六七八九十' * 3}…") for t in titles)
    assert str(long) == f"留言{long.pk}：{'一二三四五六七八九十' * 3}…"


def test_r7_3_demo_supervised_message_has_a_timeline_an_inspector_can_follow(db: Any) -> None:
    """The demo's supervised message was handled soon after it came, days ago: no step starts before the
    message came, and the overdue transfer began before its deadline (it read "收到 today, due last week")."""
    inquiry = Inquiry.objects.get(platform_message_id="demo-overdue")
    assert inquiry.registered_at is not None and inquiry.registered_at - inquiry.received_at < timedelta(
        hours=2
    )
    steps = list(inquiry.steps.select_related("deadline").order_by("id"))
    assert all(s.received_at is not None and s.received_at >= inquiry.received_at for s in steps)
    late = steps[-1]
    assert late.deadline is not None and late.received_at < late.deadline.due_at < timezone.now()
    assert SupervisionNotice.objects.filter(inquiry=inquiry).exists()
