from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from govmedia.org.models import COUNTY_LEVEL_KINDS, Unit, User, units_visible_to
from govmedia.web.forms import PickOrSearchField

from .models import CONTACT_FIELDS, Account, Filing, FunctionLog, MaintenanceLog
from .services import CHANGE_FIELDS, REVIEW_CHECKLIST

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

ACCOUNT_FIELDS = [
    "unit",
    "type",
    "type_other",
    "wechat_kind",
    "name",
    "link",
    "planned_open_on",
    "opened_on",
    *CONTACT_FIELDS,
    "developer",
    "purpose_plan",
    "introduction",
]


def add_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form's fields (or on top when the field is not shown)."""
    for field, messages in (
        exc.message_dict.items() if hasattr(exc, "error_dict") else [("__all__", exc.messages)]
    ):
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


class AccountForm(forms.ModelForm):
    class Meta:
        model = Account
        fields = ACCOUNT_FIELDS
        widgets = {
            "planned_open_on": DATE,
            "opened_on": DATE,
            "purpose_plan": forms.Textarea(attrs={"rows": 4}),
            "introduction": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "planned_open_on": "新开通账号填写，备案须在此日期前5个工作日报送",
            "opened_on": "已开通账号填写",
            "purpose_plan": "含制度建设、队伍建设、内容规划、期望目标等",
            "introduction": "正式运营时间，内容，栏目开设情况等",
            "wechat_kind": "仅微信账号：订阅号或服务号（决定群发次数）",
        }

    def __init__(self, *args: Any, user: Any, editable: tuple[str, ...] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = cast(forms.ModelChoiceField, self.fields["unit"])
        # The `registry.register` rule: the centre registers for every unit of its own county.
        unit_field.queryset = units_visible_to(user).filter(is_active=True, county=user.county_id)
        if not user.has_role("center_staff"):
            unit_field.queryset = Unit.objects.filter(pk=user.unit_id)
            self.fields["unit"].initial = user.unit_id
        if self.instance.pk:
            self.fields["unit"].disabled = True
            for name in self.fields:
                if editable is not None and name != "unit" and name not in editable:
                    self.fields[name].disabled = True
                    self.fields[name].help_text = "已备案，须通过变更备案修改"
        self.fields["developer"].required = False
        for role in ("leader", "admin"):
            for part in ("name", "title", "mobile"):
                self.fields[f"{role}_{part}"].required = True
        self.fields["wechat_kind"].required = False


class ProposedForm(forms.ModelForm):
    """The new values a personnel-change or change filing proposes (applied on acceptance)."""

    class Meta:
        model = Account
        fields = list(CONTACT_FIELDS)


class ChangeProposedForm(forms.ModelForm):
    class Meta:
        model = Account
        fields = [f for f in CHANGE_FIELDS]
        widgets = {
            "purpose_plan": forms.Textarea(attrs={"rows": 3}),
            "introduction": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.fields:
            self.fields[name].required = False
        if self.instance.type != "wechat":
            del self.fields["wechat_kind"]
        if self.instance.type != "other":
            del self.fields["type_other"]


def proposed_form_class(kind: str, action: str) -> type[forms.ModelForm] | None:
    if kind == Filing.Kind.PERSONNEL_CHANGE:
        return ProposedForm
    if kind == Filing.Kind.CLOSE_CHANGE and action == Filing.Action.CHANGE:
        return ChangeProposedForm
    return None


class FilingForm(forms.Form):
    action = forms.ChoiceField(label="关闭或变更", choices=Filing.Action.choices, required=False)
    event_date = forms.DateField(label="事项日期", widget=DATE, required=False)
    reason = forms.CharField(label="事由", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    EVENT_LABELS: dict[str, str] = {
        Filing.Kind.NEW: "计划开通日期",
        Filing.Kind.CLOSE_CHANGE: "计划关闭或变更日期",
        Filing.Kind.EMERGENCY_SHUTDOWN: "关停日期",
        Filing.Kind.PERSONNEL_CHANGE: "人员变动日期",
    }

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kind != Filing.Kind.CLOSE_CHANGE:
            del self.fields["action"]
        if kind == Filing.Kind.EXISTING:
            del self.fields["event_date"]
        else:
            self.fields["event_date"].label = self.EVENT_LABELS[kind]
            self.fields["event_date"].required = True


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label="审核结论", choices=[("accept", "同意备案"), ("return", "退回修改")], widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label="意见（退回须写明理由）", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in REVIEW_CHECKLIST.items():
            self.fields[f"check_{key}"] = forms.BooleanField(label=label, required=False)

    def checklist(self) -> dict[str, bool]:
        return {k: bool(self.cleaned_data.get(f"check_{k}")) for k in REVIEW_CHECKLIST}


class VerificationForm(forms.ModelForm):
    class Meta:
        model = Account
        fields = ["verified", "verified_by", "verified_on", "verification_expires_on"]
        widgets = {"verified_on": DATE, "verification_expires_on": DATE}


def _people_for(account: Account) -> Any:
    """People of the account's unit, or of a county-level unit of the account's county (`speaks_for`)."""
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(unit_id=account.unit_id)
            | Q(unit__kind__in=COUNTY_LEVEL_KINDS, unit__county=account.unit.county_id)
        )
        .select_related("unit")
    )


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name or obj.username}（{obj.unit or ''} {obj.title}）"


class SecurityOfficerForm(forms.Form):
    officer = PersonChoice(label="安全责任人", queryset=User.objects.none())

    def __init__(self, *args: Any, account: Account, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(PersonChoice, self.fields["officer"]).queryset = _people_for(account)


class OperatorGrantForm(forms.Form):
    user = PersonChoice(label="操作人", queryset=User.objects.none())
    granted_on = forms.DateField(label="授权日期", widget=DATE)
    note = forms.CharField(label="说明", required=False, max_length=200)

    def __init__(self, *args: Any, account: Account, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(PersonChoice, self.fields["user"]).queryset = _people_for(account)


class RevokeForm(forms.Form):
    revoked_on = forms.DateField(label="撤销日期", widget=DATE)


class FunctionLogForm(forms.ModelForm):
    class Meta:
        model = FunctionLog
        fields = ["on", "kind", "description", "interface", "developer", "developer_contact"]
        widgets = {"on": DATE, "description": forms.Textarea(attrs={"rows": 3})}


class MaintenanceLogForm(forms.ModelForm):
    class Meta:
        model = MaintenanceLog
        fields = ["on", "description", "performed_by"]
        widgets = {"on": DATE, "description": forms.Textarea(attrs={"rows": 3})}


class OpenForm(forms.Form):
    opened_on = forms.DateField(label="开通日期", widget=DATE)


class DeregistrationForm(forms.Form):
    deregistered_on = forms.DateField(label="平台注销日期", widget=DATE)
    deregistration_evidence = forms.CharField(
        label="注销凭证",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="平台注销回执编号、截图存放位置或网址等",
    )


class WechatSecretsForm(forms.Form):
    wechat_token = forms.CharField(label="Token", max_length=64, required=False)
    wechat_aes_key = forms.CharField(label="EncodingAESKey", max_length=64, required=False)
    wechat_app_id = forms.CharField(label="AppID", max_length=64, required=False)


class ForbiddenWordForm(forms.Form):
    word = forms.CharField(label="禁用词", max_length=30)
    note = forms.CharField(label="说明", max_length=100, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label="台账文件（.xlsx）")


class LedgerUnitFilter(forms.Form):
    """The ledger's unit filter (the other filters are plain choices in the template)."""

    unit = PickOrSearchField(label="单位", empty_label="全部")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(PickOrSearchField, self.fields["unit"]).queryset = units_visible_to(user).only("id", "name")
