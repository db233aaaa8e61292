"""联动任务 (R3.2.9): issue a task to units, units answer with the post that fulfils it."""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from govmedia.audit.services import record
from govmedia.org.models import Unit, sees_whole_county
from govmedia.org.permissions import require, rule
from govmedia.web.errors import InvalidState

from .models import CoordinationTask, Post, TaskAssignment


@rule("publishing.issue_task")
def _may_issue(user: Any, obj: Any) -> bool:
    return user.has_role("office_leader", "center_staff")


@rule("publishing.answer_task")
def _may_answer(user: Any, assignment: TaskAssignment) -> bool:
    return user.has_role("unit_admin", "center_staff") and assignment.unit_id == user.unit_id


def task_units(actor: Any) -> Any:
    """The units a task of this person may go to: the townships and departments of the person's county."""
    if actor.unit_id is None:
        return Unit.objects.none()
    return Unit.objects.filter(
        is_active=True,
        kind__in=[Unit.Kind.TOWNSHIP, Unit.Kind.DEPARTMENT],
        county=actor.county_id,
    )


def tasks_visible_to(user: Any) -> Any:
    """County-wide people see the tasks issued in their county; a unit the tasks it was given."""
    if user.unit_id is None:
        return CoordinationTask.objects.none()
    if sees_whole_county(user):
        return CoordinationTask.objects.filter(issued_by__unit__county=user.county_id)
    return CoordinationTask.objects.filter(
        pk__in=TaskAssignment.objects.filter(unit=user.unit_id).values("task_id")
    )


def issue_task(
    actor: Any,
    *,
    kind: str,
    title: str,
    instructions: str,
    due_at: datetime,
    units: list[Unit],
    source_url: str = "",
    request: Any = None,
) -> CoordinationTask:
    require(actor, "publishing.issue_task")
    errors: dict[str, list[str]] = {}
    if kind not in CoordinationTask.Kind.values:
        errors["kind"] = ["任务类型应为政策解读、热点回应或信息转载"]
    if not title.strip():
        errors["title"] = ["请填写任务名称"]
    if not units:
        errors["units"] = ["请至少选择一个承办单位"]
    elif any(u.county_id != actor.county_id for u in units):
        errors["units"] = ["只能向本县（市、区）的单位下达联动任务"]
    if due_at <= timezone.now():
        errors["due_at"] = ["完成时限应晚于当前时间"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        task = CoordinationTask.objects.create(
            kind=kind,
            title=title.strip(),
            instructions=instructions.strip(),
            due_at=due_at,
            source_url=source_url,
            issued_by=actor,
        )
        TaskAssignment.objects.bulk_create([TaskAssignment(task=task, unit=u) for u in units])
        record(
            "publishing.task_issued",
            actor=actor,
            obj=task,
            request=request,
            after={"units": [u.pk for u in units], "due_at": due_at},
        )
    return task


def answer_task(actor: Any, assignment: TaskAssignment, post: Post, request: Any = None) -> TaskAssignment:
    with transaction.atomic():
        assignment = TaskAssignment.objects.select_for_update().select_related("task").get(pk=assignment.pk)
        require(actor, "publishing.answer_task", assignment)
        if assignment.answered_at:
            raise InvalidState("本单位已报送落实情况。")
        if post.unit_id != assignment.unit_id:
            raise ValidationError({"post": ["请选择本单位的信息"]})
        assignment.post = post
        assignment.answered_at = timezone.now()
        assignment.answered_by = actor
        assignment.save()
        record(
            "publishing.task_answered",
            actor=actor,
            obj=assignment.task,
            request=request,
            after={
                "unit": assignment.unit_id,
                "post": post.pk,
                "late": assignment.answered_at > assignment.task.due_at,
            },
        )
    return assignment
