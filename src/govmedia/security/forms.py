"""Forms of the security pages: they parse; the services validate the rules and change the data."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from govmedia.org.models import Unit, User, units_visible_to
from govmedia.registry.models import Account, AccountStatus, AccountType
from govmedia.web.forms import ModelChecklistField

from .incidents import INCIDENT_KINDS, SEVERITIES
from .models import MaliciousComment, SecurityPolicy, Training
from .patrol_services import duty_candidates
from .services import POLICY_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
OK_CHOICES = [("1", "正常"), ("0", "异常")]


def add_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form's fields (or on top when the field is not shown)."""
    for field, messages in (
        exc.message_dict.items() if hasattr(exc, "error_dict") else [("__all__", exc.messages)]
    ):
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


def error_text(exc: ValidationError) -> str:
    """A service's ValidationError as one line for a message."""
    if hasattr(exc, "error_dict"):
        return "；".join(m for messages in exc.message_dict.values() for m in messages)
    return "；".join(exc.messages)


def _account_label(a: Account) -> str:
    return f"{a.unit.name} · {a.type_label} · {a.name}"


def account_field(
    user: Any, label: str = "账号", operating_only: bool = False, **kw: Any
) -> forms.ModelChoiceField:
    qs = Account.objects.visible_to(user).select_related("unit").order_by("unit__order", "id")
    if operating_only:
        qs = qs.filter(status=AccountStatus.OPERATING)
    field = forms.ModelChoiceField(label=label, queryset=qs, **kw)
    field.label_from_instance = _account_label  # type: ignore[method-assign,assignment]
    return field


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleImageField, self).clean(f, initial) for f in files]


class FilterForm(forms.Form):
    """The filters shared by the lists: unit, account, period."""

    unit = forms.ModelChoiceField(
        label="单位", queryset=Unit.objects.none(), required=False, empty_label="全部"
    )
    account = forms.ModelChoiceField(
        label="账号", queryset=Account.objects.none(), required=False, empty_label="全部"
    )
    start = forms.DateField(label="起", required=False, widget=DATE)
    end = forms.DateField(label="止", required=False, widget=DATE)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_visible_to(user).only("id", "name")  # type: ignore[attr-defined]
        self.fields["account"].queryset = (  # type: ignore[attr-defined]
            Account.objects.visible_to(user).select_related("unit").order_by("unit__order", "id")
        )
        self.fields["account"].label_from_instance = _account_label  # type: ignore[attr-defined]

    def value(self, name: str) -> Any:
        return self.cleaned_data.get(name) if self.is_valid() else None


class PasswordChangeForm(forms.Form):
    changed_on = forms.DateField(label="更换日期", widget=DATE)
    note = forms.CharField(
        label="说明", max_length=200, required=False, help_text="只登记更换时间和更换人，切勿填写密码本身"
    )


def _check(label: str) -> forms.TypedChoiceField:
    """One item of the patrol checklist: 正常 (True) or 异常 (False)."""
    return forms.TypedChoiceField(
        label=label, choices=OK_CHOICES, coerce=lambda v: v == "1", widget=forms.RadioSelect, initial="1"
    )


class PatrolForm(forms.Form):
    account = forms.ModelChoiceField(label="账号", queryset=Account.objects.none())
    front_content_ok = _check("前台：发布内容完整、未被篡改")
    front_comments_ok = _check("前台：评论、留言无异常")
    back_operators_ok = _check("后台：操作人员无异常")
    back_signins_ok = _check("后台：登录记录无异常")
    back_interfaces_ok = _check("后台：绑定接口无异常")
    result = forms.ChoiceField(
        label="巡查结果",
        choices=[("normal", "正常"), ("anomaly", "异常")],
        widget=forms.RadioSelect,
        initial="normal",
    )
    notes = forms.CharField(
        label="情况说明", required=False, widget=forms.Textarea(attrs={"rows": 4}), help_text="发现异常时必填"
    )
    screenshots = MultipleImageField(
        label="截图", required=False, help_text="JPG、PNG或GIF，每张不超过10MB，最多6张"
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"] = account_field(user, operating_only=True)


class IncidentForm(forms.Form):
    kind = forms.ChoiceField(label="事件类型", choices=INCIDENT_KINDS)
    severity = forms.ChoiceField(label="严重程度", choices=SEVERITIES)
    title = forms.CharField(label="事件名称", max_length=200)
    accounts = ModelChecklistField(label="涉及账号", queryset=Account.objects.none())
    occurred_at = forms.DateTimeField(
        label="发现时间", widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )
    description = forms.CharField(label="事件经过", widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        qs = (
            Account.objects.visible_to(user)
            .exclude(status=AccountStatus.DEREGISTERED)
            .select_related("unit")
            .order_by("unit__order", "id")
        )
        self.fields["accounts"].queryset = qs  # type: ignore[attr-defined]
        self.fields["accounts"].label_from_instance = _account_label  # type: ignore[attr-defined]


class StepForm(forms.Form):
    note = forms.CharField(label="情况", max_length=500, required=False)


class NoteForm(forms.Form):
    text = forms.CharField(label="处置情况", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class CloseForm(forms.Form):
    review = forms.CharField(
        label="结案复盘（原因、处置结果、改进措施）", widget=forms.Textarea(attrs={"rows": 5})
    )


class CommentForm(forms.Form):
    account = forms.ModelChoiceField(label="账号", queryset=Account.objects.none())
    platform = forms.ChoiceField(label="平台", choices=AccountType.choices)
    commenter_id = forms.CharField(label="评论者ID", max_length=100)
    commented_at = forms.DateTimeField(
        label="评论时间", widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )
    content = forms.CharField(label="评论内容", widget=forms.Textarea(attrs={"rows": 4}))
    screenshot = forms.FileField(label="截图", help_text="JPG、PNG或GIF，不超过10MB")
    dispositions = forms.MultipleChoiceField(
        label="处置方式", choices=MaliciousComment.Disposition.choices, widget=forms.CheckboxSelectMultiple
    )
    disposition_note = forms.CharField(label="处置说明", max_length=500, required=False)
    inquiry_id = forms.IntegerField(label="来源留言编号", required=False, min_value=1)
    inquiry_ref = forms.CharField(label="来源留言摘要", max_length=200, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"] = account_field(user)
        self.order_fields(["account"])


class UnitChoiceMixin:
    def unit_field(self, user: Any) -> forms.ModelChoiceField:
        """The units this person may keep records for (the `security.unit_records` rule): every unit of
        their own county for the security administrator and the centre, else their own unit."""
        unit = user.unit
        if user.has_role("secadmin") or (user.has_role("center_staff") and unit and unit.is_county_level):
            qs = units_visible_to(user).filter(is_active=True, county=user.county_id)
        else:
            qs = Unit.objects.filter(pk=user.unit_id)
        return forms.ModelChoiceField(label="单位", queryset=qs, initial=user.unit_id)


class DrillForm(UnitChoiceMixin, forms.Form):
    on = forms.DateField(label="演练日期", widget=DATE)
    scenario = forms.CharField(label="演练场景", max_length=200)
    participants = forms.CharField(label="参加人员", widget=forms.Textarea(attrs={"rows": 2}))
    findings = forms.CharField(label="发现的问题", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    improvements = forms.CharField(label="改进措施", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = self.unit_field(user)
        self.order_fields(["unit"])


class TrainingForm(UnitChoiceMixin, forms.Form):
    on = forms.DateField(label="培训日期", widget=DATE)
    topic = forms.ChoiceField(label="培训类别", choices=Training.Topic.choices)
    title = forms.CharField(label="培训内容", max_length=200)
    trainer = forms.CharField(label="授课人", max_length=100)
    attendees = forms.CharField(
        label="参训人员", widget=forms.Textarea(attrs={"rows": 3}), help_text="每行一人，或以顿号、逗号分隔"
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = self.unit_field(user)
        self.order_fields(["unit"])


class PlanForm(UnitChoiceMixin, forms.Form):
    account = forms.ModelChoiceField(
        label="账号", queryset=Account.objects.none(), required=False, help_text="不选：单位的应急预案"
    )
    title = forms.CharField(label="预案名称", max_length=200)
    approved_on = forms.DateField(label="批准日期", widget=DATE)
    file = forms.FileField(label="预案文件", help_text="PDF或Word文档，不超过20MB；再次上传即为新版本")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = self.unit_field(user)
        self.fields["account"] = account_field(user, required=False, help_text="不选：单位的应急预案")
        self.order_fields(["unit", "account"])


class RosterForm(forms.Form):
    people = ModelChecklistField(label="值班人员（按顺序轮流）", queryset=User.objects.none())
    first = forms.DateField(label="开始日期", widget=DATE)
    last = forms.DateField(label="结束日期", widget=DATE)
    workdays_only = forms.BooleanField(label="仅工作日排班", required=False)
    replace = forms.BooleanField(label="覆盖已有安排", required=False)

    def __init__(self, *args: Any, county_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = duty_candidates(county_id).order_by("id")  # type: ignore[attr-defined]


class ShiftForm(forms.Form):
    user = forms.ModelChoiceField(label="改由", queryset=User.objects.none())
    reason = forms.CharField(label="原因", max_length=200)

    def __init__(self, *args: Any, county_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = duty_candidates(county_id).order_by("id")  # type: ignore[attr-defined]


class SwapForm(forms.Form):
    other = forms.DateField(label="与哪天换班", widget=DATE)
    reason = forms.CharField(label="原因", max_length=200)


class PeriodForm(forms.Form):
    name = forms.CharField(label="会议或活动名称", max_length=100)
    start = forms.DateField(label="开始日期", widget=DATE)
    end = forms.DateField(label="结束日期", widget=DATE)


class NetworkForm(forms.Form):
    cidr = forms.CharField(label="网段（CIDR）", max_length=50, help_text="如 10.53.0.0/16 或 2001:db8::/32")
    name = forms.CharField(label="名称", max_length=100)


class PolicyForm(forms.ModelForm):
    class Meta:
        model = SecurityPolicy
        fields = [*POLICY_FIELDS, "two_factor_required"]
