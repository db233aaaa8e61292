"""The ledger pages (账号台账, 备案审核): thin, they parse, call a service and render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from govmedia.audit.models import Entry
from govmedia.documents.form_a1 import build_docx, form_a1
from govmedia.org.permissions import can, require
from govmedia.reports.excel import xlsx_response
from govmedia.web.errors import InvalidState

from . import services
from .checks import account_name_warnings
from .excel import HEADER, ImportFailed, export_rows, import_ledger
from .forms import (
    AccountForm,
    DeregistrationForm,
    FilingForm,
    ForbiddenWordForm,
    FunctionLogForm,
    ImportForm,
    LedgerUnitFilter,
    MaintenanceLogForm,
    OpenForm,
    OperatorGrantForm,
    ReviewForm,
    RevokeForm,
    SecurityOfficerForm,
    VerificationForm,
    WechatSecretsForm,
    add_errors,
    proposed_form_class,
)
from .models import (
    Account,
    AccountStatus,
    AccountType,
    Filing,
    ForbiddenNameWord,
    OperatorGrant,
    field_label,
)
from .queries import FILING_STATES, ledger_queryset


def _user(request: HttpRequest) -> Any:
    return request.user


HISTORY_LABELS = {
    "registry.account_created": "登记账号",
    "registry.account_updated": "修改登记信息",
    "registry.wechat_secrets_set": "设置消息推送参数",
    "registry.security_officer_set": "指定安全责任人",
    "registry.verification_recorded": "登记实名认证",
    "registry.verification_renewed": "认证延期",
    "registry.account_opened": "正式开通",
    "registry.account_resumed": "恢复运营",
    "registry.operator_granted": "授权操作人",
    "registry.operator_revoked": "撤销操作授权",
    "registry.function_logged": "功能管理日志",
    "registry.maintenance_logged": "维护日志",
    "registry.filing_created": "填报备案",
    "registry.filing_updated": "修改备案",
    "registry.filing_submitted": "报送备案",
    "registry.filing_accepted": "同意备案",
    "registry.filing_returned": "退回备案",
    "registry.account_deregistered": "平台注销",
    "security.password_changed": "更换平台密码",
}


def ledger(request: HttpRequest) -> HttpResponse:
    """账号台账 (R1-1, R2-1)."""
    require(request.user, "registry.view_ledger")
    qs = ledger_queryset(request.user, request.GET)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    unit_filter = LedgerUnitFilter(request.GET, user=request.user)
    unit_filter.is_valid()  # looks the chosen unit up, as the drop-down or the search box shows it
    return render(
        request,
        "registry/ledger.html",
        {
            "page": page,
            "unit_filter": unit_filter["unit"],
            "types": AccountType.choices,
            "statuses": AccountStatus.choices,
            "filing_states": FILING_STATES,
            "sorts": {
                "unit": "按单位",
                "name": "按名称",
                "type": "按类型",
                "status": "按状态",
                "expiry": "按认证到期",
                "-updated": "最近更新",
            },
            "may_register": _user(request).has_role("unit_admin", "center_staff"),
            "today": timezone.localdate(),
        },
    )


def export(request: HttpRequest) -> HttpResponse:
    require(request.user, "registry.view_ledger")
    qs = ledger_queryset(request.user, request.GET)
    stamp = timezone.localdate().strftime("%Y%m%d")
    return xlsx_response(f"政务新媒体台账{stamp}.xlsx", "账号台账", HEADER, export_rows(qs))


def import_view(request: HttpRequest) -> HttpResponse:
    if not _user(request).has_role("unit_admin", "center_staff"):
        require(request.user, "registry.import")  # no such rule: refused in Chinese
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[Any] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            form.add_error("file", "文件不能超过5MB")
        else:
            try:
                created = import_ledger(request.user, upload.read(), request=request)
            except ImportFailed as exc:
                errors = exc.errors
            else:
                messages.success(request, f"已导入{len(created)}个账号。")
                return redirect("registry:ledger")
    return render(request, "registry/import.html", {"form": form, "errors": errors, "header": HEADER})


def _account(request: HttpRequest, pk: int) -> Account:
    return get_object_or_404(
        Account.objects.visible_to(request.user).select_related("unit", "security_officer"), pk=pk
    )


def account_new(request: HttpRequest) -> HttpResponse:
    if not _user(request).has_role("unit_admin", "center_staff"):
        require(request.user, "registry.register", None)
    form = AccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "unit"}
        try:
            account = services.create_account(request.user, form.cleaned_data["unit"], data, request=request)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"账号“{account.name}”已登记。")
            for warning in account_name_warnings(account):
                messages.warning(request, warning.message)
            return redirect("registry:account", account.pk)
    return render(request, "registry/account_form.html", {"form": form, "title": "登记账号"})


def account_edit(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account(request, pk)
    require(request.user, "registry.edit", account)
    editable = services.editable_fields(account)
    form = AccountForm(request.POST or None, instance=account, user=request.user, editable=editable)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in form.changed_data if k in editable}
        try:
            services.update_account(request.user, account, data, request=request)
        except ValidationError as exc:
            add_errors(form, exc)
        except InvalidState as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "账号信息已保存。")
            return redirect("registry:account", pk)
    return render(
        request,
        "registry/account_form.html",
        {"form": form, "title": f"修改账号：{account.name}", "account": account},
    )


def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account(request, pk)
    filings = account.filings.select_related("deadline", "created_by", "reviewed_by").order_by("-created_at")
    history = Entry.objects.filter(
        Q(object_type="registry.account", object_id=str(account.pk))
        | Q(object_type="registry.filing", object_id__in=[str(f.pk) for f in filings])
    ).order_by("-id")[:50]
    may_edit = can(request.user, "registry.edit", account)
    return render(
        request,
        "registry/account_detail.html",
        {
            "account": account,
            "filings": filings,
            "grants": account.operator_grants.select_related("user__unit", "granted_by"),
            "function_logs": account.function_logs.select_related("created_by"),
            "maintenance_logs": account.maintenance_logs.select_related("created_by"),
            "history": [(e, HISTORY_LABELS.get(e.action, e.action)) for e in history],
            "now": timezone.now(),
            "warnings": account_name_warnings(account),
            "may_edit": may_edit,
            "filing_kinds": [
                (k, label) for k, label in Filing.Kind.choices if account.status in services.FILING_STATES[k]
            ]
            if may_edit
            else [],
            "today": timezone.localdate(),
        },
    )


# ---- small account actions: one form each, on its own page ----

ACTIONS: dict[str, tuple[str, Callable[..., forms.BaseForm]]] = {
    "verification": ("实名认证与延期", lambda account, data: VerificationForm(data, instance=account)),
    "security": (
        "指定安全责任人",
        lambda account, data: SecurityOfficerForm(
            data, account=account, initial={"officer": account.security_officer_id}
        ),
    ),
    "grant": (
        "授权操作人",
        lambda account, data: OperatorGrantForm(
            data, account=account, initial={"granted_on": timezone.localdate()}
        ),
    ),
    "function": (
        "登记功能管理日志",
        lambda account, data: FunctionLogForm(data, initial={"on": timezone.localdate()}),
    ),
    "maintenance": (
        "登记维护日志",
        lambda account, data: MaintenanceLogForm(data, initial={"on": timezone.localdate()}),
    ),
    "open": (
        "登记正式开通",
        lambda account, data: OpenForm(data, initial={"opened_on": timezone.localdate()}),
    ),
    "wechat": ("设置微信消息推送参数", lambda account, data: WechatSecretsForm(data)),
}


def _run_action(request: HttpRequest, account: Account, action: str, cd: dict[str, Any]) -> None:
    user = request.user
    if action == "verification":
        services.record_verification(
            user,
            account,
            verified=cd["verified"],
            verified_by=cd["verified_by"],
            verified_on=cd["verified_on"],
            expires_on=cd["verification_expires_on"],
            request=request,
        )
    elif action == "security":
        services.set_security_officer(user, account, cd["officer"], request=request)
    elif action == "grant":
        services.grant_operator(user, account, cd["user"], cd["granted_on"], cd["note"], request=request)
    elif action == "function":
        services.add_function_log(user, account, cd, request=request)
    elif action == "maintenance":
        services.add_maintenance_log(user, account, cd, request=request)
    elif action == "open":
        services.open_account(user, account, cd["opened_on"], request=request)
    elif action == "wechat":
        services.set_wechat_secrets(
            user, account, cd["wechat_token"], cd["wechat_aes_key"], cd["wechat_app_id"], request=request
        )


def account_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    account = _account(request, pk)
    require(request.user, "registry.edit", account)
    if action not in ACTIONS:
        return render(request, "errors/404.html", status=404)
    title, make = ACTIONS[action]
    form = make(account, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _run_action(request, account, action, form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        except InvalidState as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{title}：已保存。")
            return redirect("registry:account", pk)
    return render(request, "registry/action_form.html", {"form": form, "title": title, "account": account})


@require_POST
def account_resume(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account(request, pk)
    try:
        services.resume_account(request.user, account, request=request)
        messages.success(request, "账号已恢复运营。")
    except InvalidState as exc:
        messages.error(request, str(exc))
    return redirect("registry:account", pk)


@require_POST
def grant_revoke(request: HttpRequest, pk: int, grant_pk: int) -> HttpResponse:
    account = _account(request, pk)
    grant = get_object_or_404(OperatorGrant, pk=grant_pk, account=account)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写撤销日期。")
        return redirect("registry:account", pk)
    try:
        services.revoke_operator(request.user, grant, form.cleaned_data["revoked_on"], request=request)
        messages.success(request, f"已撤销{grant.user}的操作授权。")
    except (ValidationError, InvalidState) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
    return redirect("registry:account", pk)


# ---- filings ----


def filing_new(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    account = _account(request, pk)
    require(request.user, "registry.file", account)
    if kind not in Filing.Kind.values:
        return render(request, "errors/404.html", status=404)
    data = request.POST or None
    initial = {"event_date": account.planned_open_on} if kind == Filing.Kind.NEW else {}
    form = FilingForm(data, kind=kind, initial=initial)
    action = request.POST.get("action") or request.GET.get("action", "")
    proposed_class = proposed_form_class(kind, action)
    proposed_form = (
        proposed_class(data, instance=Account.objects.get(pk=account.pk), prefix="p")
        if proposed_class
        else None
    )
    if request.method == "POST" and form.is_valid() and (proposed_form is None or proposed_form.is_valid()):
        proposed = {k: proposed_form.cleaned_data[k] for k in proposed_form.fields} if proposed_form else None
        try:
            filing = services.create_filing(
                request.user,
                account,
                kind,
                form.cleaned_data.get("event_date"),
                action=action,
                proposed=proposed,
                reason=form.cleaned_data["reason"],
                submit="draft" not in request.POST,
                request=request,
            )
        except ValidationError as exc:
            add_errors(proposed_form if proposed_form and "proposed" not in exc.message_dict else form, exc)
        except InvalidState as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                "备案已报送县人民政府办公室。" if filing.status == "submitted" else "备案草稿已保存。",
            )
            return redirect("registry:filing", filing.pk)
    return render(
        request,
        "registry/filing_form.html",
        {
            "account": account,
            "form": form,
            "proposed_form": proposed_form,
            "kind": kind,
            "kind_label": Filing.Kind(kind).label,
            "action": action,
            "actions": Filing.Action.choices,
        },
    )


def _filing(request: HttpRequest, pk: int) -> Filing:
    qs = Filing.objects.visible_to(request.user).select_related(
        "account__unit", "deadline", "created_by", "reviewed_by"
    )
    return get_object_or_404(qs, pk=pk)


def filing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    filing = _filing(request, pk)
    review_form = ReviewForm()
    dereg_form = DeregistrationForm(initial={"deregistered_on": timezone.localdate()})
    if request.method == "POST":
        try:
            if "decision" in request.POST:
                review_form = ReviewForm(request.POST)
                if review_form.is_valid():
                    services.review_filing(
                        request.user,
                        filing,
                        review_form.cleaned_data["decision"],
                        review_form.cleaned_data["comment"],
                        review_form.checklist(),
                        request=request,
                    )
                    messages.success(request, "审核意见已保存。")
                    return redirect("registry:filing", pk)
            elif "deregistered_on" in request.POST:
                dereg_form = DeregistrationForm(request.POST)
                if dereg_form.is_valid():
                    services.record_deregistration(
                        request.user,
                        filing,
                        dereg_form.cleaned_data["deregistered_on"],
                        dereg_form.cleaned_data["deregistration_evidence"],
                        request=request,
                    )
                    messages.success(request, "平台注销已登记，账号已注销。")
                    return redirect("registry:filing", pk)
            elif "submit" in request.POST:
                services.submit_filing(request.user, filing, request=request)
                messages.success(request, "备案已重新报送。")
                return redirect("registry:filing", pk)
        except ValidationError as exc:
            add_errors(dereg_form if "deregistered_on" in request.POST else review_form, exc)
        except InvalidState as exc:
            messages.error(request, str(exc))
    filing.refresh_from_db()
    account = filing.account
    return render(
        request,
        "registry/filing_detail.html",
        {
            "filing": filing,
            "account": account,
            "reviews": filing.reviews.select_related("by"),
            "review_form": review_form,
            "dereg_form": dereg_form,
            "may_review": can(request.user, "registry.review", filing)
            and filing.status == Filing.Status.SUBMITTED,
            "may_file": can(request.user, "registry.file", account),
            "needs_deregistration": filing.kind == Filing.Kind.CLOSE_CHANGE
            and filing.action == Filing.Action.CLOSE
            and filing.status == Filing.Status.ACCEPTED
            and account.status == AccountStatus.CLOSING,
            "warnings": account_name_warnings(account),
            "proposed_rows": [(field_label(k), getattr(account, k), v) for k, v in filing.proposed.items()],
            "checklist_rows": [
                (label, filing.checklist.get(k, False)) for k, label in services.REVIEW_CHECKLIST.items()
            ]
            if filing.checklist
            else [],
            "now": timezone.now(),
        },
    )


def filing_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a returned (or draft) filing and send it again."""
    filing = _filing(request, pk)
    require(request.user, "registry.file", filing.account)
    proposed_class = proposed_form_class(filing.kind, filing.action)
    trial = Account.objects.get(pk=filing.account_id)
    for key, value in filing.proposed.items():
        setattr(trial, key, value)
    data = request.POST or None
    proposed_form = proposed_class(data, instance=trial, prefix="p") if proposed_class else None
    form = FilingForm(data, kind=Filing.Kind.EXISTING, initial={"reason": filing.reason})
    if request.method == "POST" and form.is_valid() and (proposed_form is None or proposed_form.is_valid()):
        proposed = {k: proposed_form.cleaned_data[k] for k in proposed_form.fields} if proposed_form else None
        try:
            services.update_filing(
                request.user, filing, proposed=proposed, reason=form.cleaned_data["reason"], request=request
            )
            services.submit_filing(request.user, filing, request=request)
        except ValidationError as exc:
            add_errors(proposed_form or form, exc)
        except InvalidState as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "备案已修改并重新报送。")
            return redirect("registry:filing", pk)
    return render(
        request,
        "registry/filing_form.html",
        {
            "account": filing.account,
            "form": form,
            "proposed_form": proposed_form,
            "kind": filing.kind,
            "kind_label": filing.kind_label,
            "filing": filing,
        },
    )


def filings(request: HttpRequest) -> HttpResponse:
    """备案审核: the filings the user may see; the county office starts with those waiting for it."""
    require(request.user, "registry.view_ledger")
    qs = Filing.objects.visible_to(request.user).select_related("account__unit", "deadline", "created_by")
    default = "submitted" if _user(request).has_role("office_leader") else ""
    status = request.GET.get("status", default)
    if status in Filing.Status.values:
        qs = qs.filter(status=status)
    if (kind := request.GET.get("kind", "")) in Filing.Kind.values:
        qs = qs.filter(kind=kind)
    if request.GET.get("late") == "1":
        qs = qs.filter(late=True)
    page = Paginator(qs.order_by("-submitted_at", "-id"), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "registry/filings.html",
        {
            "page": page,
            "status": status,
            "statuses": Filing.Status.choices,
            "kinds": Filing.Kind.choices,
        },
    )


# ---- form A.1 ----


def _a1_source(request: HttpRequest, pk: int, what: str) -> tuple[dict[str, Any], Account, Filing | None]:
    if what == "filing":
        filing = _filing(request, pk)
        return (filing.snapshot or filing.account.a1_data()), filing.account, filing
    account = _account(request, pk)
    return account.a1_data(), account, None


def a1_print(request: HttpRequest, pk: int, what: str = "account") -> HttpResponse:
    """R4.2-6: the filled form A.1, printable."""
    data, account, filing = _a1_source(request, pk, what)
    return render(
        request,
        "registry/a1_print.html",
        {
            "form": form_a1(data),
            "account": account,
            "filing": filing,
            "docx_url": request.path.rstrip("/") + ".docx",
        },
    )


def a1_docx(request: HttpRequest, pk: int, what: str = "account") -> HttpResponse:
    data, account, _ = _a1_source(request, pk, what)
    response = HttpResponse(
        build_docx(data),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    name = f"政务公开新媒体备案登记表-{account.name}.docx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


# ---- forbidden words ----


def words(request: HttpRequest) -> HttpResponse:
    require(request.user, "registry.manage_words")
    form = ForbiddenWordForm(request.POST or None)
    if request.method == "POST":
        if "delete" in request.POST:
            entry = get_object_or_404(ForbiddenNameWord, pk=request.POST.get("delete"))
            services.remove_forbidden_word(request.user, entry, request=request)
            messages.success(request, f"已删除禁用词“{entry.word}”。")
            return redirect("registry:words")
        if form.is_valid():
            try:
                services.add_forbidden_word(
                    request.user, form.cleaned_data["word"], form.cleaned_data["note"], request=request
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, "禁用词已添加。")
                return redirect("registry:words")
    return render(request, "registry/words.html", {"form": form, "words": ForbiddenNameWord.objects.all()})
