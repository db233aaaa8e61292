"""Malicious comments (R6.2-3), drills (R6.1-1, R3.2.8) and trainings (R6.1-3, R3.2.6)."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from govmedia.audit.services import record
from govmedia.org.models import Unit, units_visible_to
from govmedia.org.permissions import require
from govmedia.registry.models import Account

from . import uploads
from .models import Drill, MaliciousComment, Training


def _text(
    errors: dict[str, list[str]],
    data: dict[str, Any],
    key: str,
    label: str,
    limit: int,
    required: bool = True,
) -> str:
    value = str(data.get(key) or "").strip()
    if required and not value:
        errors[key] = [f"请填写{label}"]
    elif len(value) > limit:
        errors[key] = [f"{label}不能超过{limit}字"]
    return value


def _day(errors: dict[str, list[str]], data: dict[str, Any], key: str, label: str) -> date | None:
    value = data.get(key)
    if not isinstance(value, date) or isinstance(value, datetime):
        errors[key] = [f"请填写{label}"]
        return None
    if value > timezone.localdate():
        errors[key] = [f"{label}不能晚于今天"]
    elif value < timezone.localdate() - timedelta(days=3660):
        errors[key] = [f"{label}不能早于十年前"]
    return value


def register_comment(
    actor: Any, account: Account, data: dict[str, Any], screenshot: Any, request: Any = None
) -> MaliciousComment:
    """登记恶意评论: commenter ID, content, time, screenshot and disposition (R6.2-3)."""
    require(actor, "security.record_comment", account)
    errors: dict[str, list[str]] = {}
    commenter = _text(errors, data, "commenter_id", "评论者ID", 100)
    content = _text(errors, data, "content", "评论内容", 5000)
    note = _text(errors, data, "disposition_note", "处置说明", 500, required=False)
    inquiry_ref = _text(errors, data, "inquiry_ref", "来源留言", 200, required=False)
    platform = data.get("platform") or account.type
    if platform not in dict(MaliciousComment._meta.get_field("platform").choices or []):
        errors["platform"] = ["请选择平台"]
    commented_at: Any = data.get("commented_at")
    if not isinstance(commented_at, datetime) or timezone.is_naive(commented_at):
        errors["commented_at"] = ["请填写评论时间"]
    elif commented_at > timezone.now() + timedelta(minutes=5):
        errors["commented_at"] = ["评论时间不能晚于现在"]
    dispositions = list(dict.fromkeys(data.get("dispositions") or []))
    if not dispositions:
        errors["dispositions"] = ["请选择处置方式"]
    elif any(d not in MaliciousComment.Disposition.values for d in dispositions):
        errors["dispositions"] = ["处置方式应为删除、向平台举报、拉黑或移交公安机关"]
    raw_inquiry: Any = data.get("inquiry_id")
    inquiry_id: int | None = None
    if raw_inquiry not in ("", None):
        try:
            inquiry_id = int(raw_inquiry)
            if not 0 < inquiry_id < 2**62:
                raise ValueError
        except (TypeError, ValueError):
            errors["inquiry_id"] = ["来源留言编号应为正整数"]
    if screenshot is None:
        errors["screenshot"] = ["请上传评论截图"]
    if errors:
        raise ValidationError(errors)
    with uploads.batch() as files, transaction.atomic():
        stored = files.store(screenshot, "image", actor, "screenshot")
        row = MaliciousComment.objects.create(
            account=account,
            platform=platform,
            commenter_id=commenter,
            content=content,
            commented_at=commented_at,
            screenshot=stored,
            dispositions=dispositions,
            disposition_note=note,
            inquiry_id=inquiry_id,
            inquiry_ref=inquiry_ref,
            recorded_by=actor,
        )
        record(
            "security.comment_registered",
            actor=actor,
            obj=row,
            request=request,
            after={
                "account": account.pk,
                "commenter_id": commenter,
                "dispositions": dispositions,
                "screenshot": stored.sha256,
                "inquiry_id": inquiry_id,
            },
        )
    return row


def record_drill(actor: Any, unit: Unit, data: dict[str, Any], request: Any = None) -> Drill:
    require(actor, "security.unit_records", unit)
    errors: dict[str, list[str]] = {}
    on = _day(errors, data, "on", "演练日期")
    values = {
        "scenario": _text(errors, data, "scenario", "演练场景", 200),
        "participants": _text(errors, data, "participants", "参加人员", 2000),
        "findings": _text(errors, data, "findings", "发现的问题", 5000, required=False),
        "improvements": _text(errors, data, "improvements", "改进措施", 5000, required=False),
    }
    if errors or on is None:
        raise ValidationError(errors)
    with transaction.atomic():
        drill = Drill.objects.create(unit=unit, on=on, recorded_by=actor, **values)
        record(
            "security.drill_recorded",
            actor=actor,
            obj=drill,
            after={"unit": unit.pk, "on": on, **values},
            request=request,
        )
    return drill


def count_attendees(text: str) -> int:
    return len([p for p in re.split(r"[\n,，、;；]+", text) if p.strip()])


def record_training(actor: Any, unit: Unit, data: dict[str, Any], request: Any = None) -> Training:
    require(actor, "security.unit_records", unit)
    errors: dict[str, list[str]] = {}
    on = _day(errors, data, "on", "培训日期")
    topic = data.get("topic") or ""
    if topic not in Training.Topic.values:
        errors["topic"] = ["培训类别应为运行维护、安全管理或信息管理"]
    values = {
        "title": _text(errors, data, "title", "培训内容", 200),
        "trainer": _text(errors, data, "trainer", "授课人", 100),
        "attendees": _text(errors, data, "attendees", "参训人员", 5000),
    }
    if errors or on is None:
        raise ValidationError(errors)
    with transaction.atomic():
        training = Training.objects.create(
            unit=unit,
            on=on,
            topic=topic,
            recorded_by=actor,
            attendee_count=count_attendees(values["attendees"]),
            **values,
        )
        record(
            "security.training_recorded",
            actor=actor,
            obj=training,
            request=request,
            after={"unit": unit.pk, "on": on, "topic": topic, **values},
        )
    return training


def year_summary(user: Any, year: int) -> list[dict[str, Any]]:
    """Per visible unit for a year: drills, trainings per topic, attendances (three queries)."""
    units = list(units_visible_to(user).filter(is_active=True).order_by("order", "id"))
    drills = dict(
        Drill.objects.filter(unit__in=units, on__year=year)
        .values("unit")
        .annotate(n=Count("id"))
        .values_list("unit", "n")
    )
    per_topic: dict[int, dict[str, int]] = defaultdict(dict)
    attendance: dict[int, int] = defaultdict(int)
    for row in (
        Training.objects.filter(unit__in=units, on__year=year)
        .values("unit", "topic")
        .annotate(n=Count("id"), people=Sum("attendee_count"))
    ):
        per_topic[row["unit"]][row["topic"]] = row["n"]
        attendance[row["unit"]] += row["people"] or 0
    return [
        {
            "unit": u,
            "drills": drills.get(u.pk, 0),
            "topics": [per_topic[u.pk].get(t, 0) for t in Training.Topic.values],
            "trainings": sum(per_topic[u.pk].values()),
            "attendance": attendance[u.pk],
        }
        for u in units
    ]
