from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm

from govmedia.audit.services import record

from .models import Role, Unit, User, separation_problem


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码错误。请注意密码区分大小写；连续多次错误将锁定账号。",
        "inactive": "该账号已停用，请联系系统管理员。",
    }


class ChangePasswordForm(PasswordChangeForm):
    def save(self, commit: bool = True) -> Any:
        user = super().save(commit=False)
        user.must_change_password = False
        if commit:
            user.save()
            record("auth.password_changed", actor=user, obj=user)
        return user


class PortalForm(forms.Form):
    """本县设置: the county government portal's domains (`services.save_portal_domains` checks them)."""

    portal_domains = forms.CharField(label="县人民政府门户网站域名", required=False, max_length=2000)

    def __init__(self, *args: Any, fallback: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["portal_domains"].help_text = (
            "转载门户网站已发布的信息时，原文网址须属于这些域名（R5.4-1）。多个域名以逗号分隔；"
            f"留空则使用系统设置：{'、'.join(fallback) or '（未配置）'}。"
        )


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["name", "short_name", "kind", "order", "is_active"]


class PersonForm(forms.ModelForm):
    roles = forms.MultipleChoiceField(
        label="角色", choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    initial_password = forms.CharField(
        label="初始密码",
        required=False,
        widget=forms.PasswordInput,
        help_text="新建可登录人员时填写；本人首次登录须修改。留空则该人员不能登录（仅作联系人）。",
    )

    class Meta:
        model = User
        fields = ["username", "full_name", "unit", "title", "mobile", "office_phone", "email", "is_active"]
        labels = {"username": "用户名", "email": "邮箱", "is_active": "有效"}

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].required = True
        if units is not None:
            self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["full_name"].required = True
        if self.instance.pk:
            self.fields["roles"].initial = sorted(self.instance.role_codes())
            self.fields["initial_password"].help_text = "填写则重置为新的初始密码，本人下次登录须修改。"

    def clean_roles(self) -> list[str]:
        roles: list[str] = self.cleaned_data.get("roles") or []
        if problem := separation_problem(roles):
            raise forms.ValidationError(problem)
        return roles

    def clean_initial_password(self) -> str:
        from django.contrib.auth.password_validation import validate_password

        password: str = self.cleaned_data.get("initial_password") or ""
        if password:
            validate_password(password, self.instance)
        return password
