"""Every change to the register goes through here: permission, one transaction with locked rows, audit."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from govmedia.audit.services import record
from govmedia.calendar.services import day_info, meet, open_deadline
from govmedia.org.models import Unit, User, same_county, sees_whole_county, speaks_for
from govmedia.org.permissions import require, rule
from govmedia.security.services import raise_rotation_task
from govmedia.web.errors import InvalidState

from . import rules
from .models import (
    A1_FIELDS,
    CONTACT_FIELDS,
    Account,
    AccountStatus,
    AccountType,
    Filing,
    FilingReview,
    ForbiddenNameWord,
    FunctionLog,
    MaintenanceLog,
    OperatorGrant,
    field_label,
)

# ---- permission rules ----


@rule("registry.register")
def _may_register(user: Any, unit: Any) -> bool:
    """The centre registers accounts for every unit of its own county; a unit's administrator for its unit."""
    if user.has_role("center_staff") and same_county(user, unit):
        return True
    return user.has_role("unit_admin") and unit is not None and unit.pk == user.unit_id


@rule("registry.edit")
def _may_edit(user: Any, account: Any) -> bool:
    """The centre keeps every account of its own county; a unit's administrator its unit's accounts."""
    if account is None:
        return False
    if user.has_role("unit_admin") and account.unit_id == user.unit_id:
        return True
    return bool(user.has_role("center_staff") and same_county(user, account.unit))


@rule("registry.file")
def _may_file(user: Any, account: Any) -> bool:
    return _may_edit(user, account)


@rule("registry.review")
def _may_review(user: Any, filing: Any) -> bool:
    """The county office reviews the filings of its own county's accounts (R4.2-6)."""
    return bool(
        user.has_role("office_leader") and filing is not None and same_county(user, filing.account.unit)
    )


@rule("registry.manage_words")
def _may_manage_words(user: Any, obj: Any) -> bool:
    """The forbidden name words are one list for the whole instance (the naming rules are national)."""
    return user.has_role("sysadmin", "center_staff")


@rule("registry.view_ledger")
def _may_view_ledger(user: Any, obj: Any) -> bool:
    return sees_whole_county(user) or user.unit_id is not None


# ---- accounts ----

# Fields that, once a filing is accepted, change only through an accepted filing (4.2).
FILED_FIELDS = ("type", "wechat_kind", "type_other", "name", "link", *CONTACT_FIELDS)
CHANGE_FIELDS = ("name", "link", "wechat_kind", "type_other", "developer", "purpose_plan", "introduction")
FREE_FIELDS = ("planned_open_on", "opened_on", "developer", "purpose_plan", "introduction")


def _snap(account: Account) -> dict[str, Any]:
    data = account.a1_data()
    data.update(
        status=account.status,
        security_officer=account.security_officer_id,
        verified=account.verified,
        verification_expires_on=account.verification_expires_on,
    )
    return data


def _validate_account(account: Account) -> None:
    errors: dict[str, list[str]] = {}
    if account.type == AccountType.WECHAT and not account.wechat_kind:
        errors["wechat_kind"] = ["微信账号须选择订阅号或服务号"]
    if account.type != AccountType.WECHAT:
        account.wechat_kind = ""
    if account.type == AccountType.OTHER and not account.type_other.strip():
        errors["type_other"] = ["类型为“其他”时须填写具体类型"]
    if not account.opened_on and not account.planned_open_on:
        errors["planned_open_on"] = ["须填写计划开通时间或开通时间"]
    if not account.developer.strip():
        account.developer = "无"
    try:
        account.full_clean(exclude=["unit", "security_officer"])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    duplicate = (
        Account.objects.live()
        .filter(type=account.type, name=account.name.strip())
        .exclude(pk=account.pk)
        .select_related("unit")
        .first()
    )
    if duplicate:
        # Names are unique on a platform, so the check spans counties; another county's unit is not named.
        where = (
            duplicate.unit.name if duplicate.unit.county_id == account.unit.county_id else "其他县（市、区）"
        )
        errors.setdefault("name", []).append(
            f"该平台已登记同名账号“{duplicate.name}”（{where}），请勿重复登记"
        )
    if errors:
        raise ValidationError(errors)


def create_account(actor: Any, unit: Unit, data: dict[str, Any], request: Any = None) -> Account:
    """Register an account (R1-1, R2-1). Planned accounts start 拟开通; already-open ones 运营中."""
    require(actor, "registry.register", unit)
    secrets = {k: data.pop(k, "") or "" for k in ("wechat_token", "wechat_aes_key", "wechat_app_id")}
    account = Account(unit=unit, **data)
    account.name = account.name.strip()
    account.status = AccountStatus.OPERATING if account.opened_on else AccountStatus.PLANNED
    with transaction.atomic():
        _validate_account(account)
        if account.type == AccountType.WECHAT:
            for key, value in secrets.items():
                setattr(account, key, value)
        account.save()
        record("registry.account_created", actor=actor, obj=account, after=_snap(account), request=request)
    return account


def has_accepted_filing(account: Account) -> bool:
    return account.filings.filter(status=Filing.Status.ACCEPTED).exists()


def editable_fields(account: Account) -> tuple[str, ...]:
    """A1 fields the unit may change directly now; the rest need a filing."""
    if has_accepted_filing(account):
        return FREE_FIELDS
    return A1_FIELDS


def update_account(actor: Any, account: Account, data: dict[str, Any], request: Any = None) -> Account:
    require(actor, "registry.edit", account)
    with transaction.atomic():
        locked = Account.objects.select_for_update().select_related("unit").get(pk=account.pk)
        if locked.status == AccountStatus.DEREGISTERED:
            raise InvalidState("账号已注销，不能修改。")
        allowed = set(editable_fields(locked))
        refused = [k for k, v in data.items() if k not in allowed and getattr(locked, k) != v]
        if refused:
            labels = "、".join(field_label(k) for k in refused)
            raise InvalidState(f"账号已备案，{labels}须通过变更备案修改。")
        before = _snap(locked)
        for key, value in data.items():
            setattr(locked, key, value)
        _validate_account(locked)
        locked.save()
        record(
            "registry.account_updated",
            actor=actor,
            obj=locked,
            before=before,
            after=_snap(locked),
            request=request,
        )
    return locked


def set_wechat_secrets(
    actor: Any, account: Account, token: str, aes_key: str, app_id: str, request: Any = None
) -> Account:
    require(actor, "registry.edit", account)
    if account.type != AccountType.WECHAT:
        raise InvalidState("只有微信账号可以设置消息推送参数。")
    if aes_key and len(aes_key) != 43:
        raise ValidationError({"wechat_aes_key": ["EncodingAESKey 应为43位字符"]})
    with transaction.atomic():
        locked = Account.objects.select_for_update().get(pk=account.pk)
        locked.wechat_token, locked.wechat_aes_key, locked.wechat_app_id = token, aes_key, app_id
        locked.save(update_fields=["wechat_token", "wechat_aes_key", "wechat_app_id", "updated_at"])
        # Only that they changed: the values are secrets.
        record(
            "registry.wechat_secrets_set",
            actor=actor,
            obj=locked,
            after={"app_id_set": bool(app_id)},
            request=request,
        )
    return locked


def set_security_officer(actor: Any, account: Account, officer: User, request: Any = None) -> Account:
    """R6.1-2: a named security responsible person, a person of the owning unit or of a county-level unit of
    the account's county."""
    require(actor, "registry.edit", account)
    if not speaks_for(officer.unit, account.unit):
        raise ValidationError({"security_officer": ["安全责任人须为本单位或本县（市、区）县级单位人员"]})
    with transaction.atomic():
        locked = Account.objects.select_for_update().get(pk=account.pk)
        before = {"security_officer": locked.security_officer_id}
        locked.security_officer = officer
        locked.save(update_fields=["security_officer", "updated_at"])
        record(
            "registry.security_officer_set",
            actor=actor,
            obj=locked,
            before=before,
            after={"security_officer": officer.pk, "name": str(officer)},
            request=request,
        )
    return locked


def record_verification(
    actor: Any,
    account: Account,
    *,
    verified: bool,
    verified_by: str = "",
    verified_on: date | None = None,
    expires_on: date | None = None,
    request: Any = None,
) -> Account:
    """Real-name verification and its renewal (4.1, 3.2.1 延期)."""
    require(actor, "registry.edit", account)
    errors = {}
    if verified and not verified_by.strip():
        errors["verified_by"] = ["请填写认证机构"]
    if verified and not verified_on:
        errors["verified_on"] = ["请填写认证日期"]
    if verified_on and expires_on and expires_on <= verified_on:
        errors["verification_expires_on"] = ["有效期须晚于认证日期"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Account.objects.select_for_update().get(pk=account.pk)
        before = {
            "verified": locked.verified,
            "verified_by": locked.verified_by,
            "verified_on": locked.verified_on,
            "expires_on": locked.verification_expires_on,
        }
        locked.verified, locked.verified_by = verified, verified_by.strip()
        locked.verified_on, locked.verification_expires_on = verified_on, expires_on
        locked.save(
            update_fields=["verified", "verified_by", "verified_on", "verification_expires_on", "updated_at"]
        )
        after = {
            "verified": verified,
            "verified_by": locked.verified_by,
            "verified_on": verified_on,
            "expires_on": expires_on,
        }
        renewal = (
            before["verified"] and before["expires_on"] and expires_on and expires_on > before["expires_on"]
        )
        record(
            "registry.verification_renewed" if renewal else "registry.verification_recorded",
            actor=actor,
            obj=locked,
            before=before,
            after=after,
            request=request,
        )
    return locked


def open_account(actor: Any, account: Account, opened_on: date, request: Any = None) -> Account:
    """已备案 → 运营中: the account went live; it needs its security responsible person first (R6.1-2)."""
    require(actor, "registry.edit", account)
    with transaction.atomic():
        locked = Account.objects.select_for_update().get(pk=account.pk)
        if locked.status != AccountStatus.FILED:
            raise InvalidState("只有已备案的账号可以登记开通。")
        if locked.security_officer_id is None:
            raise InvalidState("请先指定安全责任人，再登记开通。")
        before = {"status": locked.status, "opened_on": locked.opened_on}
        locked.status, locked.opened_on = AccountStatus.OPERATING, opened_on
        locked.save(update_fields=["status", "opened_on", "updated_at"])
        record(
            "registry.account_opened",
            actor=actor,
            obj=locked,
            before=before,
            after={"status": locked.status, "opened_on": opened_on},
            request=request,
        )
    return locked


def resume_account(actor: Any, account: Account, request: Any = None) -> Account:
    """紧急关停 → 运营中."""
    require(actor, "registry.edit", account)
    with transaction.atomic():
        locked = Account.objects.select_for_update().get(pk=account.pk)
        if locked.status != AccountStatus.SHUTDOWN:
            raise InvalidState("只有紧急关停的账号可以恢复运营。")
        locked.status = AccountStatus.OPERATING
        locked.save(update_fields=["status", "updated_at"])
        record(
            "registry.account_resumed",
            actor=actor,
            obj=locked,
            before={"status": AccountStatus.SHUTDOWN},
            after={"status": locked.status},
            request=request,
        )
    return locked


# ---- operators and logs (3.2.1 – 3.2.3) ----


def grant_operator(
    actor: Any, account: Account, user: User, granted_on: date, note: str = "", request: Any = None
) -> OperatorGrant:
    require(actor, "registry.edit", account)
    if not speaks_for(user.unit, account.unit):
        raise ValidationError({"user": ["只能授权本单位或本县（市、区）县级单位人员操作账号"]})
    with transaction.atomic():
        Account.objects.select_for_update().get(pk=account.pk)
        if OperatorGrant.objects.filter(account=account, user=user, revoked_on__isnull=True).exists():
            raise InvalidState(f"{user}已有该账号的操作授权。")
        grant = OperatorGrant.objects.create(
            account=account, user=user, granted_on=granted_on, granted_by=actor, note=note
        )
        record(
            "registry.operator_granted",
            actor=actor,
            obj=account,
            after={"user": user.pk, "name": str(user), "granted_on": granted_on},
            request=request,
        )
    return grant


def revoke_operator(actor: Any, grant: OperatorGrant, revoked_on: date, request: Any = None) -> OperatorGrant:
    require(actor, "registry.edit", grant.account)
    with transaction.atomic():
        locked = OperatorGrant.objects.select_for_update().get(pk=grant.pk)
        if locked.revoked_on is not None:
            raise InvalidState("该授权已撤销。")
        if revoked_on < locked.granted_on:
            raise ValidationError({"revoked_on": ["撤销日期不能早于授权日期"]})
        locked.revoked_on = revoked_on
        locked.save(update_fields=["revoked_on"])
        record(
            "registry.operator_revoked",
            actor=actor,
            obj=grant.account,
            after={"user": locked.user_id, "revoked_on": revoked_on},
            request=request,
        )
    return locked


def add_function_log(actor: Any, account: Account, data: dict[str, Any], request: Any = None) -> FunctionLog:
    require(actor, "registry.edit", account)
    entry = FunctionLog(account=account, created_by=actor, **data)
    entry.full_clean(exclude=["account", "created_by"])
    if entry.kind == FunctionLog.Kind.INTERFACE and not entry.developer.strip():
        raise ValidationError({"developer": ["第三方接口须填写开发单位"]})
    with transaction.atomic():
        entry.save()
        record(
            "registry.function_logged",
            actor=actor,
            obj=account,
            after={"log": entry.pk, **data},
            request=request,
        )
    return entry


def add_maintenance_log(
    actor: Any, account: Account, data: dict[str, Any], request: Any = None
) -> MaintenanceLog:
    require(actor, "registry.edit", account)
    entry = MaintenanceLog(account=account, created_by=actor, **data)
    entry.full_clean(exclude=["account", "created_by"])
    with transaction.atomic():
        entry.save()
        record(
            "registry.maintenance_logged",
            actor=actor,
            obj=account,
            after={"log": entry.pk, **data},
            request=request,
        )
    return entry


# ---- filings (4.2) ----

# Account states in which each filing kind may be made.
FILING_STATES: dict[str, tuple[str, ...]] = {
    rules.NEW: (AccountStatus.PLANNED,),
    rules.EXISTING: (AccountStatus.OPERATING, AccountStatus.SHUTDOWN),
    rules.CLOSE_CHANGE: (AccountStatus.FILED, AccountStatus.OPERATING, AccountStatus.SHUTDOWN),
    rules.EMERGENCY_SHUTDOWN: (AccountStatus.OPERATING, AccountStatus.SHUTDOWN),
    rules.PERSONNEL_CHANGE: (AccountStatus.FILED, AccountStatus.OPERATING, AccountStatus.SHUTDOWN),
}


def effective_date() -> date:
    value = settings.STANDARD_EFFECTIVE_DATE
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _validate_proposed(account: Account, kind: str, action: str, proposed: dict[str, Any]) -> dict[str, Any]:
    if kind == rules.PERSONNEL_CHANGE:
        allowed: tuple[str, ...] = CONTACT_FIELDS
    elif kind == rules.CLOSE_CHANGE and action == Filing.Action.CHANGE:
        allowed = CHANGE_FIELDS
    else:
        return {}
    unknown = sorted(set(proposed) - set(allowed))
    if unknown:
        raise ValidationError({"proposed": [f"不能通过此备案变更的字段：{'、'.join(unknown)}"]})
    clean = {k: (v.strip() if isinstance(v, str) else v) for k, v in proposed.items()}
    trial = Account(**{f: getattr(account, f) for f in A1_FIELDS}, unit_id=account.unit_id)
    for key, value in clean.items():
        setattr(trial, key, value)
    try:
        trial.clean_fields(exclude=[f.name for f in Account._meta.fields if f.name not in allowed])
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from exc
    changed = {k: v for k, v in clean.items() if getattr(account, k) != v}
    if not changed:
        raise ValidationError({"proposed": ["变更后的内容与现有登记相同，请填写变更的内容"]})
    if kind == rules.PERSONNEL_CHANGE:
        # A.1 carries the whole contact block: keep the unchanged values so the form is complete.
        return {f: getattr(trial, f) for f in CONTACT_FIELDS}
    return changed


def _filing_snapshot(account: Account, filing: Filing) -> dict[str, Any]:
    data = account.a1_data()
    data.update(filing.proposed)
    return data


def create_filing(
    actor: Any,
    account: Account,
    kind: str,
    event_date: date | None = None,
    *,
    action: str = "",
    proposed: dict[str, Any] | None = None,
    reason: str = "",
    submit: bool = True,
    request: Any = None,
) -> Filing:
    """Start a filing: its deadline clock opens now. Submitted at once unless `submit` is False."""
    require(actor, "registry.file", account)
    if kind not in rules.FILING_DEADLINES:
        raise ValidationError({"kind": ["未知的备案类型"]})
    if kind == rules.CLOSE_CHANGE and action not in Filing.Action.values:
        raise ValidationError({"action": ["请选择关闭或变更"]})
    if kind != rules.CLOSE_CHANGE:
        action = ""
    with transaction.atomic():
        locked = Account.objects.select_for_update().select_related("unit").get(pk=account.pk)
        if locked.status not in FILING_STATES[kind]:
            raise InvalidState(
                f"账号当前状态为“{locked.get_status_display()}”，不能办理{Filing.Kind(kind).label}。"
            )
        if kind == rules.NEW and event_date is None:
            event_date = locked.planned_open_on
        if kind == rules.EXISTING:
            event_date = effective_date()
        if event_date is None:
            raise ValidationError({"event_date": ["请填写事项日期"]})
        open_same = locked.filings.filter(kind=kind).exclude(status=Filing.Status.ACCEPTED)
        if open_same.exists():
            raise InvalidState(f"该账号已有未办结的{Filing.Kind(kind).label}，请在原备案上修改后报送。")
        if (
            kind in (rules.NEW, rules.EXISTING)
            and locked.filings.filter(
                kind__in=[rules.NEW, rules.EXISTING], status=Filing.Status.ACCEPTED
            ).exists()
        ):
            raise InvalidState("该账号已完成开通备案。")
        clean = _validate_proposed(locked, kind, action, proposed or {})
        rule_, anchor = rules.filing_deadline(kind, event_date, effective_date())
        deadline = open_deadline(rule_.rule, anchor, rule_.n, rule_.clause)
        filing = Filing.objects.create(
            account=locked,
            kind=kind,
            action=action,
            event_date=event_date,
            deadline=deadline,
            proposed=clean,
            reason=reason.strip(),
            created_by=actor,
        )
        before_status = locked.status
        if kind == rules.EMERGENCY_SHUTDOWN and locked.status == AccountStatus.OPERATING:
            # The shutdown has already happened; the filing reports it.
            locked.status = AccountStatus.SHUTDOWN
            locked.save(update_fields=["status", "updated_at"])
        if kind == rules.NEW and locked.planned_open_on != event_date:
            locked.planned_open_on = event_date
            locked.save(update_fields=["planned_open_on", "updated_at"])
        record(
            "registry.filing_created",
            actor=actor,
            obj=filing,
            after={
                "kind": kind,
                "action": action,
                "event_date": event_date,
                "due": deadline.due_date,
                "provisional": deadline.provisional,
                "proposed": clean,
                "account_status": locked.status,
            },
            before={"account_status": before_status},
            request=request,
        )
        if submit:
            filing = _submit(actor, filing, None, request)
    return filing


def update_filing(
    actor: Any,
    filing: Filing,
    *,
    proposed: dict[str, Any] | None = None,
    reason: str | None = None,
    request: Any = None,
) -> Filing:
    """Correct a draft or returned filing before (re)submitting it."""
    require(actor, "registry.file", filing.account)
    with transaction.atomic():
        locked = Filing.objects.select_for_update().select_related("account").get(pk=filing.pk)
        if locked.status not in (Filing.Status.DRAFT, Filing.Status.RETURNED):
            raise InvalidState("只有草稿或退回的备案可以修改。")
        before = {"proposed": locked.proposed, "reason": locked.reason}
        if proposed is not None:
            locked.proposed = _validate_proposed(locked.account, locked.kind, locked.action, proposed)
        if reason is not None:
            locked.reason = reason.strip()
        locked.save(update_fields=["proposed", "reason"])
        record(
            "registry.filing_updated",
            actor=actor,
            obj=locked,
            before=before,
            after={"proposed": locked.proposed, "reason": locked.reason},
            request=request,
        )
    return locked


A1_REQUIRED = (
    "name",
    "link",
    "leader_name",
    "leader_title",
    "leader_mobile",
    "admin_name",
    "admin_title",
    "admin_mobile",
)


def a1_missing(data: dict[str, Any]) -> list[str]:
    """Labels of the form A.1 fields a filing cannot go without."""
    missing = [field_label(f) for f in A1_REQUIRED if not data.get(f)]
    if not (data.get("opened_on") or data.get("planned_open_on")):
        missing.append("开通时间")
    return missing


def _submit(actor: Any, filing: Filing, at: datetime | None, request: Any) -> Filing:
    locked = Filing.objects.select_for_update().select_related("account__unit", "deadline").get(pk=filing.pk)
    if locked.status not in (Filing.Status.DRAFT, Filing.Status.RETURNED):
        raise InvalidState("该备案已报送或已办结。")
    missing = a1_missing(_filing_snapshot(locked.account, locked))
    if missing:
        raise ValidationError({"__all__": [f"备案登记表不完整，请先补充：{'、'.join(missing)}"]})
    at = at or timezone.now()
    before = {"status": locked.status}
    locked.snapshot = _filing_snapshot(locked.account, locked)
    locked.status, locked.submitted_at = Filing.Status.SUBMITTED, at
    if locked.first_submitted_at is None:
        # Lateness is judged on the first submission; a return for corrections does not make it late.
        locked.first_submitted_at = at
        deadline = locked.deadline
        locked.late = at > deadline.due_at
        locked.late_workdays = (
            rules.late_workdays(
                deadline.due_date, timezone.localtime(at).date(), lambda d: day_info(d).workday
            )
            if locked.late
            else 0
        )
        meet(deadline, at=at)
    locked.save()
    record(
        "registry.filing_submitted",
        actor=actor,
        obj=locked,
        before=before,
        after={
            "status": locked.status,
            "late": locked.late,
            "late_workdays": locked.late_workdays,
            "snapshot": locked.snapshot,
        },
        request=request,
    )
    return locked


def submit_filing(actor: Any, filing: Filing, *, at: datetime | None = None, request: Any = None) -> Filing:
    """Send a draft or a corrected returned filing to the county office."""
    require(actor, "registry.file", filing.account)
    with transaction.atomic():
        Account.objects.select_for_update().get(pk=filing.account_id)
        return _submit(actor, filing, at, request)


REVIEW_CHECKLIST = {
    "name_standard": "账号名称直观、规范，体现开通单位",
    "avatar_dignified": "头像鲜明、端庄",
    "verified": "已完成实名认证",
    "form_complete": "登记表填写完整，责任人及联系方式准确",
}


def review_filing(
    actor: Any,
    filing: Filing,
    decision: str,
    comment: str = "",
    checklist: dict[str, bool] | None = None,
    request: Any = None,
) -> Filing:
    """The county office accepts a filing, or returns it with reasons (R4.2-6)."""
    require(actor, "registry.review", filing)
    if decision not in ("accept", "return"):
        raise ValidationError({"decision": ["审核结论须为同意备案或退回"]})
    comment = comment.strip()
    if decision == "return" and not comment:
        raise ValidationError({"comment": ["退回须填写理由"]})
    checks = {k: bool(v) for k, v in (checklist or {}).items() if k in REVIEW_CHECKLIST}
    with transaction.atomic():
        account = Account.objects.select_for_update().get(pk=filing.account_id)
        locked = Filing.objects.select_for_update().get(pk=filing.pk)
        if locked.status != Filing.Status.SUBMITTED:
            raise InvalidState("只有已报送待审核的备案可以审核。")
        before = {"status": locked.status, "account": _snap(account)}
        locked.status = Filing.Status.ACCEPTED if decision == "accept" else Filing.Status.RETURNED
        locked.review_comment, locked.reviewed_by, locked.reviewed_at = comment, actor, timezone.now()
        locked.checklist = checks
        locked.save()
        FilingReview.objects.create(
            filing=locked,
            decision=decision,
            comment=comment,
            checklist=checks,
            by=actor,
            at=locked.reviewed_at,
        )
        if decision == "accept":
            _apply_accepted(locked, account)
            if _changes_people(locked):
                raise_rotation_task(account, "personnel", actor, source=locked, request=request)
        record(
            f"registry.filing_{'accepted' if decision == 'accept' else 'returned'}",
            actor=actor,
            obj=locked,
            before=before,
            after={
                "status": locked.status,
                "comment": comment,
                "checklist": checks,
                "account": _snap(account),
            },
            request=request,
        )
    return locked


def _apply_accepted(filing: Filing, account: Account) -> None:
    """What an accepted filing changes on the account: only now, never on submission (4.2)."""
    if filing.kind == rules.NEW and account.status == AccountStatus.PLANNED:
        account.status = AccountStatus.FILED
    elif filing.kind == rules.CLOSE_CHANGE and filing.action == Filing.Action.CLOSE:
        account.status = AccountStatus.CLOSING
    elif filing.kind in (rules.CLOSE_CHANGE, rules.PERSONNEL_CHANGE):
        for key, value in filing.proposed.items():
            setattr(account, key, value)
    account.save()


def _changes_people(filing: Filing) -> bool:
    """A new administrator or responsible leader: the platform password must change (R6.1-5)."""
    return filing.kind == rules.PERSONNEL_CHANGE or (
        filing.kind == rules.CLOSE_CHANGE
        and any(key.startswith(("leader_", "admin_")) for key in (filing.proposed or {}))
    )


def record_deregistration(actor: Any, filing: Filing, on: date, evidence: str, request: Any = None) -> Filing:
    """After an accepted closing filing the account is deregistered on the platform (R4.2-3)."""
    require(actor, "registry.file", filing.account)
    evidence = evidence.strip()
    if not evidence:
        raise ValidationError({"deregistration_evidence": ["请填写注销凭证（平台回执、截图存放位置等）"]})
    if on > timezone.localdate():
        raise ValidationError({"deregistered_on": ["注销日期不能晚于今天"]})
    with transaction.atomic():
        account = Account.objects.select_for_update().get(pk=filing.account_id)
        locked = Filing.objects.select_for_update().get(pk=filing.pk)
        if locked.kind != rules.CLOSE_CHANGE or locked.action != Filing.Action.CLOSE:
            raise InvalidState("只有关闭备案需要登记平台注销。")
        if locked.status != Filing.Status.ACCEPTED or account.status != AccountStatus.CLOSING:
            raise InvalidState("关闭备案经县政府办公室同意后，才能登记平台注销。")
        locked.deregistered_on, locked.deregistration_evidence = on, evidence
        locked.save(update_fields=["deregistered_on", "deregistration_evidence"])
        account.status = AccountStatus.DEREGISTERED
        account.save(update_fields=["status", "updated_at"])
        revoked = OperatorGrant.objects.filter(account=account, revoked_on__isnull=True).update(revoked_on=on)
        record(
            "registry.account_deregistered",
            actor=actor,
            obj=locked,
            before={"status": AccountStatus.CLOSING},
            after={"status": account.status, "on": on, "evidence": evidence, "grants_revoked": revoked},
            request=request,
        )
    return locked


# ---- forbidden name words (4.1) ----


def add_forbidden_word(actor: Any, word: str, note: str = "", request: Any = None) -> ForbiddenNameWord:
    require(actor, "registry.manage_words")
    word = word.strip()
    if not word:
        raise ValidationError({"word": ["请输入禁用词"]})
    if ForbiddenNameWord.objects.filter(word=word).exists():
        raise ValidationError({"word": [f"禁用词“{word}”已存在"]})
    with transaction.atomic():
        entry = ForbiddenNameWord.objects.create(word=word, note=note.strip())
        record("registry.forbidden_word_added", actor=actor, obj=entry, after={"word": word}, request=request)
    return entry


def remove_forbidden_word(actor: Any, entry: ForbiddenNameWord, request: Any = None) -> None:
    require(actor, "registry.manage_words")
    with transaction.atomic():
        record(
            "registry.forbidden_word_removed",
            actor=actor,
            obj=entry,
            before={"word": entry.word},
            request=request,
        )
        entry.delete()
