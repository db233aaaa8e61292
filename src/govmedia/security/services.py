"""Security services: sign-in watch (R6.1-4), the county's settings, credentials (R6.1-5), emergency plans
(R6.1-1). Patrols, incidents and the unit records have their own service modules."""

from __future__ import annotations

import ipaddress
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from govmedia.audit.services import client_ip, record
from govmedia.calendar.services import meet, open_deadline
from govmedia.org.permissions import require
from govmedia.registry.models import Account, AccountStatus
from govmedia.web.errors import InvalidState

from . import (
    rules,  # noqa: F401  (registers the permission rules)
    uploads,
)
from .models import (
    EmergencyPlan,
    KnownDevice,
    OfficeNetwork,
    PasswordChange,
    RotationTask,
    SecurityPolicy,
    SignInRecord,
)
from .patrols import Policy, policy_problems

DEVICE_COOKIE = "gm_device"
POLICY_FIELDS = (
    "rotation_period_days",
    "rotation_due_workdays",
    "leak_rotation_hours",
    "patrols_per_workday",
    "patrols_per_rest_day",
    "workday_start_hour",
    "workday_end_hour",
    "heightened_interval_hours",
    "heightened_start_hour",
    "heightened_end_hour",
)


# --- sign-in watch (R6.1-4) -------------------------------------------------------------------------


def _networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [
        ipaddress.ip_network(c, strict=False) for c in OfficeNetwork.objects.values_list("cidr", flat=True)
    ]


def outside_office(ip: str, networks: list[Any] | None = None) -> bool | None:
    """True when `ip` is in none of the listed office networks; None when none are listed."""
    networks = _networks() if networks is None else networks
    if not networks:
        return None
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return True
    return not any(addr.version == n.version and addr in n for n in networks)


def record_sign_in(request: Any, *, user: Any, username: str, success: bool) -> SignInRecord:
    """Record a sign-in or a failure; flag the first sign-in from a device (R6.1-4) and sign-ins from
    outside the office networks the county lists."""
    device_id = getattr(request, "device_id", "") or request.COOKIES.get(DEVICE_COOKIE, "")
    agent = request.META.get("HTTP_USER_AGENT", "")[:300]
    ip = client_ip(request)
    with transaction.atomic():
        new_device = False
        if success and user is not None:
            _, new_device = KnownDevice.objects.get_or_create(
                user=user, device_id=device_id, defaults={"user_agent": agent}
            )
        entry = SignInRecord.objects.create(
            user=user,
            username=username,
            success=success,
            ip=ip,
            user_agent=agent,
            device_id=device_id,
            new_device=new_device,
            outside_office=outside_office(ip),
        )
        record(
            "auth.sign_in" if success else "auth.sign_in_failed",
            actor=user,
            obj=user,
            after={
                "username": username,
                "new_device": new_device,
                "user_agent": agent,
                "outside_office": entry.outside_office,
            },
            request=request,
            success=success,
        )
    return entry


def add_office_network(actor: Any, cidr: str, name: str, request: Any = None) -> OfficeNetwork:
    require(actor, "security.manage_settings")
    cidr, name = (cidr or "").strip(), (name or "").strip()
    errors: dict[str, list[str]] = {}
    try:
        network = ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        errors["cidr"] = ["请输入正确的网段，如 10.53.0.0/16"]
    else:
        cidr = str(network)
        if network.prefixlen == 0:
            errors["cidr"] = ["不能把全部地址列为办公网络"]
    if not name:
        errors["name"] = ["请填写名称"]
    elif len(name) > 100:
        errors["name"] = ["名称不能超过100字"]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            row = OfficeNetwork.objects.create(cidr=cidr, name=name, created_by=actor)
            record(
                "security.office_network_added",
                actor=actor,
                obj=row,
                after={"cidr": cidr, "name": name},
                request=request,
            )
    except IntegrityError:
        raise ValidationError({"cidr": ["该网段已登记"]}) from None
    return row


def remove_office_network(actor: Any, network: OfficeNetwork, request: Any = None) -> None:
    require(actor, "security.manage_settings")
    with transaction.atomic():
        record(
            "security.office_network_removed",
            actor=actor,
            obj=network,
            before={"cidr": network.cidr, "name": network.name},
            request=request,
        )
        network.delete()


def approve_device(actor: Any, device: KnownDevice, request: Any = None) -> KnownDevice:
    """The security administrator confirms a device as a usual one of its owner (a person of their
    county)."""
    with transaction.atomic():
        locked = (
            KnownDevice.objects.select_for_update(of=("self",)).select_related("user__unit").get(pk=device.pk)
        )
        require(actor, "security.approve_device", locked)
        if not locked.approved:
            locked.approved = True
            locked.save(update_fields=["approved", "last_seen_at"])
            record(
                "security.device_approved",
                actor=actor,
                obj=locked.user,
                after={"device": locked.device_id[:8], "user_agent": locked.user_agent},
                request=request,
            )
    return locked


# --- the county's settings ----------------------------------------------------------------------------


def patrol_policy(row: SecurityPolicy | None = None) -> Policy:
    row = row or SecurityPolicy.current()
    return Policy(**{f: getattr(row, f) for f in Policy.__dataclass_fields__})


def update_policy(actor: Any, data: dict[str, Any], request: Any = None) -> SecurityPolicy:
    require(actor, "security.manage_settings")
    errors: dict[str, list[str]] = {}
    values: dict[str, int] = {}
    for f in POLICY_FIELDS:
        raw = data.get(f)
        try:
            values[f] = int(raw)  # type: ignore[arg-type]
            if values[f] < 0 or isinstance(raw, bool):
                raise ValueError
        except (TypeError, ValueError):
            errors[f] = ["请输入非负整数"]
    if errors:
        raise ValidationError(errors)
    if not 1 <= values["rotation_period_days"] <= 3650:
        errors["rotation_period_days"] = ["更换周期应为1至3650天"]
    if not 1 <= values["rotation_due_workdays"] <= 30:
        errors["rotation_due_workdays"] = ["更换时限应为1至30个工作日"]
    if not 1 <= values["leak_rotation_hours"] <= 72:
        errors["leak_rotation_hours"] = ["泄露后更换时限应为1至72小时"]
    problems = policy_problems(Policy(**{f: values[f] for f in Policy.__dataclass_fields__}))
    two_factor = data.get("two_factor_required", SecurityPolicy.current().two_factor_required)
    if not isinstance(two_factor, bool):
        errors["two_factor_required"] = ["请选择是或否"]
    if errors or problems:
        raise ValidationError({**errors, **({"__all__": problems} if problems else {})})
    with transaction.atomic():
        row = SecurityPolicy.objects.select_for_update().get_or_create(pk=1)[0]
        before: dict[str, Any] = {f: getattr(row, f) for f in (*POLICY_FIELDS, "two_factor_required")}
        for f, v in values.items():
            setattr(row, f, v)
        row.two_factor_required = two_factor
        row.updated_by = actor
        row.save()
        after = {**values, "two_factor_required": two_factor}
        record("security.policy_updated", actor=actor, obj=row, before=before, after=after, request=request)
    return row


# --- credentials (R6.1-5) -----------------------------------------------------------------------------


def _task_deadline(reason: str, policy: SecurityPolicy) -> Any:
    now = timezone.now()
    if reason == RotationTask.Reason.LEAK:
        return open_deadline("after_hours", now, policy.leak_rotation_hours, "6.3", started_at=now)
    return open_deadline("after_workdays", now, policy.rotation_due_workdays, "6.1", started_at=now)


def raise_rotation_task(
    account: Account, reason: str, actor: Any = None, source: Any = None, request: Any = None
) -> RotationTask:
    """Raise a task to change the account's platform password (R6.1-5). Idempotent per account, reason and
    source while the task is open: raising it again returns the open task. `source` is a short reference
    such as "filing:12" (a model instance is turned into "label:pk")."""
    if reason not in RotationTask.Reason.values:
        raise ValidationError({"reason": ["更换原因应为人员变动、账号泄露或定期更换"]})
    if source is not None and not isinstance(source, str):
        source = f"{source._meta.model_name}:{source.pk}"
    source = (source or "")[:100]
    with transaction.atomic():
        Account.objects.select_for_update().filter(pk=account.pk).first()  # serialise raisers of one account
        existing = RotationTask.objects.filter(
            account=account, reason=reason, source=source, status=RotationTask.Status.OPEN
        ).first()
        if existing is not None:
            return existing
        task = RotationTask.objects.create(
            account=account,
            reason=reason,
            source=source,
            raised_by=actor,
            deadline=_task_deadline(reason, SecurityPolicy.current()),
        )
        record(
            "security.rotation_task_raised",
            actor=actor,
            obj=account,
            request=request,
            after={"task": task.pk, "reason": reason, "source": source, "due_at": task.deadline.due_at},
        )
    return task


def record_password_change(
    actor: Any, account: Account, changed_on: date, note: str = "", request: Any = None
) -> PasswordChange:
    """The platform password was changed on `changed_on` (R6.1-5); closes the account's open rotation tasks.
    Only the date and the person are kept: never the password."""
    require(actor, "security.change_password", account)
    today = timezone.localdate()
    if not isinstance(changed_on, date):
        raise ValidationError({"changed_on": ["请填写更换日期"]})
    if changed_on > today:
        raise ValidationError({"changed_on": ["更换日期不能晚于今天"]})
    if changed_on < today - timedelta(days=366):
        raise ValidationError({"changed_on": ["更换日期不能早于一年前"]})
    if len(note) > 200:
        raise ValidationError({"note": ["说明不能超过200字"]})
    with transaction.atomic():
        locked = Account.objects.select_for_update().get(pk=account.pk)
        if locked.status == AccountStatus.DEREGISTERED:
            raise InvalidState("账号已注销，无需登记密码更换。")
        change = PasswordChange.objects.create(
            account=locked, changed_on=changed_on, changed_by=actor, note=note.strip()
        )
        now = timezone.now()
        closed = []
        for task in RotationTask.objects.select_for_update().filter(
            account=locked, status=RotationTask.Status.OPEN, raised_at__date__lte=changed_on
        ):
            task.status, task.change = RotationTask.Status.DONE, change
            task.save(update_fields=["status", "change"])
            meet(task.deadline, now)
            closed.append(task.pk)
        record(
            "security.password_changed",
            actor=actor,
            obj=locked,
            request=request,
            after={"changed_on": changed_on, "closed_tasks": closed},
        )
    return change


def last_changes(account_ids: list[int]) -> dict[int, PasswordChange]:
    """The latest password change of each account (one query)."""
    latest: dict[int, PasswordChange] = {}
    for c in (
        PasswordChange.objects.filter(account_id__in=account_ids)
        .select_related("changed_by")
        .order_by("account_id", "-changed_on", "-id")
    ):
        latest.setdefault(c.account_id, c)
    return latest


def sweep_rotation_period(today: date | None = None) -> int:
    """Raise a period task for every operating account whose last change (or, never changed, its opening)
    is older than the county's rotation period. Idempotent: the source names the due date. The tasks
    already raised are read in one query: a province has ~20 000 accounts, and this runs every minute."""
    today = today or timezone.localdate()
    policy = SecurityPolicy.current()
    operating = Account.objects.filter(status=AccountStatus.OPERATING)
    accounts = {a.pk: a for a in operating.only("pk", "opened_on", "created_at")}
    last = dict(
        PasswordChange.objects.filter(account__in=operating)
        .values("account_id")
        .annotate(last=Max("changed_on"))
        .values_list("account_id", "last")
    )
    due: dict[int, str] = {}  # account id → the source of its period task
    for pk, account in accounts.items():
        base = last.get(pk) or account.opened_on or timezone.localtime(account.created_at).date()
        when = base + timedelta(days=policy.rotation_period_days)
        if when <= today:
            due[pk] = f"period:{when.isoformat()}"
    if not due:
        return 0
    raised_before = RotationTask.objects.filter(
        Q(status=RotationTask.Status.OPEN) | Q(source__in=set(due.values())),
        reason=RotationTask.Reason.PERIOD,
        account__in=operating,
    ).values_list("account_id", "source", "status")
    busy = {
        pk
        for pk, source, status in raised_before
        if status == RotationTask.Status.OPEN or due.get(pk) == source
    }
    for pk in busy:
        due.pop(pk, None)
    for pk, source in due.items():
        raise_rotation_task(accounts[pk], RotationTask.Reason.PERIOD, source=source)
    return len(due)


# --- emergency plans (R6.1-1) -------------------------------------------------------------------------


def upload_plan(
    actor: Any,
    unit: Any,
    account: Account | None,
    title: str,
    approved_on: date,
    upload: Any,
    request: Any = None,
) -> EmergencyPlan:
    """A new version of the emergency plan of a unit (account None) or of one of its accounts."""
    require(actor, "security.unit_records", unit)
    title = (title or "").strip()
    errors: dict[str, list[str]] = {}
    if not title:
        errors["title"] = ["请填写预案名称"]
    elif len(title) > 200:
        errors["title"] = ["预案名称不能超过200字"]
    if not isinstance(approved_on, date):
        errors["approved_on"] = ["请填写批准日期"]
    elif approved_on > timezone.localdate():
        errors["approved_on"] = ["批准日期不能晚于今天"]
    if account is not None and account.unit_id != unit.pk:
        errors["account"] = ["账号须属于本单位"]
    if upload is None:
        errors["file"] = ["请上传预案文件"]
    if errors:
        raise ValidationError(errors)
    name = str(getattr(upload, "name", "") or "预案")[-200:]
    with uploads.batch() as files, transaction.atomic():
        stored = files.store(upload, "document", actor, "file")
        scope = EmergencyPlan.objects.select_for_update().filter(unit=unit, account=account)
        version = (scope.aggregate(v=Max("version"))["v"] or 0) + 1
        plan = EmergencyPlan.objects.create(
            unit=unit,
            account=account,
            title=title,
            version=version,
            approved_on=approved_on,
            file=stored,
            file_name=name,
            uploaded_by=actor,
        )
        record(
            "security.plan_uploaded",
            actor=actor,
            obj=plan,
            request=request,
            after={
                "unit": unit.pk,
                "account": account.pk if account else None,
                "version": version,
                "sha256": stored.sha256,
                "approved_on": approved_on,
            },
        )
    return plan
