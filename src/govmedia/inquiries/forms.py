from typing import Any, cast

from django import forms
from django.utils import timezone

from govmedia.registry.models import Account
from govmedia.web.forms import DateRangeFilter, PickOrSearchField

from .models import Kind, PetitionChannel, Status

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MultipleImages(forms.ClearableFileInput):
    allow_multiple_selected = True


class ImagesField(forms.FileField):
    """Several screenshots; their bytes are judged by the service (intake.register), not here."""

    def clean(self, data: Any, initial: Any = None) -> Any:
        return None


class RegisterForm(forms.Form):
    account = forms.ModelChoiceField(label="账号", queryset=Account.objects.none(), empty_label="请选择")
    platform_message_id = forms.CharField(
        label="平台消息ID", max_length=100, required=False, help_text="平台上该条留言的编号，用于防止重复登记"
    )
    sender_name = forms.CharField(label="留言人昵称", max_length=100, required=False)
    sender_id = forms.CharField(label="留言人ID", max_length=100, required=False)
    received_at = forms.DateTimeField(label="留言时间", widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M"])
    kind = forms.ChoiceField(label="类别", choices=Kind.choices, initial=Kind.CONSULTATION)
    content = forms.CharField(label="留言内容", widget=forms.Textarea(attrs={"rows": 6}))
    attachments = ImagesField(
        label="截图",
        required=False,
        widget=MultipleImages(attrs={"accept": "image/*"}),
        help_text="可选多张，每张不超过10MB（JPG、PNG、GIF、BMP、WebP）",
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["account"]
        field.queryset = (
            Account.objects.visible_to(user)
            .exclude(status="deregistered")
            .select_related("unit")
            .order_by("unit__order", "id")
        )
        field.label_from_instance = lambda a: f"{a.unit} · {a.type_label} · {a.name}"
        if not self.is_bound:
            self.initial.setdefault("received_at", timezone.localtime().replace(second=0, microsecond=0))


class ImportForm(forms.Form):
    file = forms.FileField(label="留言表格", help_text="Excel（.xlsx）或CSV；第一行为表头，可先下载模板填写")


class SearchForm(DateRangeFilter):
    account = PickOrSearchField(label="账号", label_from_instance=lambda a: f"{a.name}（{a.type_label}）")
    kind = forms.ChoiceField(label="类别", required=False, choices=[("", "全部"), *Kind.choices])
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *Status.choices])
    unit = PickOrSearchField(label="承办单位")
    sender = forms.CharField(label="留言人", required=False)
    q = forms.CharField(label="内容", required=False)
    start = forms.DateField(label="留言日期自", required=False, widget=DATE)
    end = forms.DateField(label="至", required=False, widget=DATE)

    def __init__(self, *args: Any, accounts: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(PickOrSearchField, self.fields["account"]).queryset = accounts
        cast(PickOrSearchField, self.fields["unit"]).queryset = units


class ChannelForm(forms.ModelForm):
    class Meta:
        model = PetitionChannel
        fields = ["address", "phone", "website", "template"]
        widgets = {"template": forms.Textarea(attrs={"rows": 5})}
