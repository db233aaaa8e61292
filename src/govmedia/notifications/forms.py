from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from govmedia.org.models import Unit

from .models import NoticeDelivery, WebhookTarget


class WebhookForm(forms.Form):
    unit = forms.ModelChoiceField(
        label="单位", queryset=Unit.objects.filter(is_active=True), empty_label="请选择单位"
    )
    kind = forms.ChoiceField(label="类型", choices=WebhookTarget.Kind.choices)
    name = forms.CharField(label="名称", max_length=50, help_text="如：办公室工作群")
    url = forms.CharField(
        label="机器人地址（Webhook）",
        max_length=500,
        help_text="企业微信：https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…；"
        "钉钉：https://oapi.dingtalk.com/robot/send?access_token=…",
    )
    secret = forms.CharField(
        label="加签密钥",
        required=False,
        max_length=200,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="钉钉机器人启用“加签”时填写（SEC开头）；保存后不再显示，修改时留空表示不变。",
    )
    clear_secret = forms.BooleanField(label="清除已保存的加签密钥", required=False)
    urgent_only = forms.BooleanField(label="仅推送紧急、超期和督办通知", required=False)
    active = forms.BooleanField(label="启用", required=False, initial=True)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        from .webhooks import check_url

        url = str(data.get("url") or "")
        if url and (reason := check_url(url)):
            self.add_error("url", reason)
        return data


class DeliveryFilter(forms.Form):
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部"), *NoticeDelivery.Status.choices]
    )

    def clean_status(self) -> str:
        value = self.cleaned_data.get("status") or ""
        if value and value not in NoticeDelivery.Status.values:
            raise ValidationError("状态不正确")
        return str(value)
