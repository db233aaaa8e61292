from datetime import datetime, time
from typing import Any, cast

from django import forms
from django.utils import timezone

from govmedia.org.models import Unit, units_visible_to
from govmedia.registry.models import Account
from govmedia.web.forms import (
    DateRangeFilter,
    ModelChecklistField,
    PickOrSearchField,
    limit_choices,
    pick_filter,
)

from .coordination import task_units
from .models import CATEGORIES, Archive, CoordinationTask, EmergencyEvent, Material, Post
from .services import allowed_accounts, open_events

REPOST_FIELDS = {
    "source": "信息来源",
    "author": "原作者",
    "original_title": "原标题",
    "reposted_at": "转载时间",
}
EMERGENCY_FIELDS = {
    "event": "事件",
    "location": "地点",
    "event_type": "事件类型",
    "situation": "事态简况",
    "measures": "目前采取的措施",
}


class PostForm(forms.Form):
    accounts = ModelChecklistField(label="发布账号", queryset=Account.objects.none())
    category = forms.ChoiceField(
        label="信息类别（规范5.3）", choices=[("", "请选择"), *CATEGORIES], required=False
    )
    kind = forms.ChoiceField(label="信息来源", choices=Post.Kind.choices)
    title = forms.CharField(label="标题", max_length=200)
    body = forms.CharField(label="正文", widget=forms.Textarea(attrs={"rows": 10}))
    materials = ModelChecklistField(
        label="素材（从本单位素材库选用）",
        queryset=Material.objects.none(),
        required=False,
    )
    portal_url = forms.URLField(
        label="门户网站链接",
        required=False,
        assume_scheme="https",
        help_text="已在县人民政府门户网站发布的信息填写原链接，可直接发布（规范5.4）",
    )
    sensitive = forms.BooleanField(
        label="敏感信息（重大事件、群体性事件、灾情疫情等，或不能确定能否发布）", required=False
    )
    is_emergency = forms.BooleanField(label="突发事件信息（须具备五要素）", required=False)
    event = forms.ModelChoiceField(
        label="续报的突发事件",
        required=False,
        empty_label="首次发布（新建事件）",
        queryset=EmergencyEvent.objects.none(),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(
            self,
            "accounts",
            allowed_accounts(user).select_related("unit").order_by("unit__order", "id"),
            label=lambda a: f"{a.unit} · {a.get_type_display()} · {a.name}",
        )
        limit_choices(self, "materials", Material.objects.filter(unit=user.unit_id))
        limit_choices(self, "event", open_events(user))
        for key, label in REPOST_FIELDS.items():
            self.fields[f"repost_{key}"] = forms.CharField(label=f"转载：{label}", required=False)
        for key, label in EMERGENCY_FIELDS.items():
            self.fields[f"emergency_{key}"] = forms.CharField(label=f"五要素：{label}", required=False)

    def main_fields(self) -> list[Any]:
        return [f for f in self.visible_fields() if not f.name.startswith(("repost_", "emergency_", "event"))]

    def repost_fields(self) -> list[Any]:
        return [self[f"repost_{key}"] for key in REPOST_FIELDS]

    def emergency_fields(self) -> list[Any]:
        return [self["event"], *(self[f"emergency_{key}"] for key in EMERGENCY_FIELDS)]

    @classmethod
    def initial_from(cls, post: Post) -> dict[str, Any]:
        initial: dict[str, Any] = {
            k: getattr(post, k) for k in ("category", "kind", "title", "body", "portal_url", "sensitive")
        }
        initial["accounts"] = list(post.accounts.all())
        initial["is_emergency"] = bool(post.emergency)
        initial["event"] = post.event_id
        hashes = [m["sha256"] for m in post.media or []]
        initial["materials"] = list(Material.objects.filter(unit=post.unit_id, sha256__in=hashes))
        for key in REPOST_FIELDS:
            initial[f"repost_{key}"] = (post.repost or {}).get(key, "")
        for key in EMERGENCY_FIELDS:
            initial[f"emergency_{key}"] = (post.emergency or {}).get(key, "")
        return initial

    def service_data(self) -> tuple[dict[str, Any], list[int]]:
        d = self.cleaned_data
        data = {k: d[k] for k in ("category", "kind", "title", "body", "portal_url", "sensitive")}
        data["media"] = [m.as_media() for m in d["materials"]]
        data["repost"] = {k: d[f"repost_{k}"] for k in REPOST_FIELDS} if d["kind"] == "repost" else None
        data["emergency"] = {k: d[f"emergency_{k}"] for k in EMERGENCY_FIELDS} if d["is_emergency"] else None
        return data, [a.pk for a in d["accounts"]]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="意见", choices=[("approve", "同意"), ("reject", "退回")], widget=forms.RadioSelect
    )
    comment = forms.CharField(label="意见内容", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    important = forms.BooleanField(label="重要信息，报县人民政府领导审批", required=False)
    checklist = forms.BooleanField(label="已按本环节审查要点逐项审查", required=False)
    acknowledge_warnings = forms.BooleanField(label="已逐项确认内容检查的提示项", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "approve" and not data.get("checklist"):
            self.add_error("checklist", "同意前须确认已按审查要点逐项审查")
        return data


class PublishForm(forms.Form):
    url = forms.URLField(
        label="发布链接", assume_scheme="https", help_text="在平台发布后，填写该条信息的链接"
    )


class ArchiveFilter(DateRangeFilter):
    start = forms.DateField(
        label="发布日期自", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(label="至", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    account = forms.ModelChoiceField(
        label="账号", queryset=Account.objects.none(), required=False, empty_label="全部账号"
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        limit_choices(self, "account", Account.objects.visible_to(user).select_related("unit"))

    def archives(self) -> Any:
        qs = Archive.objects.filter(post__in=Post.objects.visible_to(self.user)).order_by("-published_at")
        if not self.is_bound:
            return qs
        if not self.is_valid():
            return qs.none()
        tz = timezone.get_current_timezone()
        d = self.cleaned_data
        if d["start"]:
            qs = qs.filter(published_at__gte=datetime.combine(d["start"], time.min, tz))
        if d["end"]:
            qs = qs.filter(published_at__lte=datetime.combine(d["end"], time.max, tz))
        if d["account"]:
            qs = qs.filter(post__accounts=d["account"])
        return qs

    def describe(self) -> str:
        d = self.cleaned_data
        return f"{d.get('start') or '最早'}至{d.get('end') or '今'} {d.get('account') or '全部账号'}"


class MaterialUploadForm(forms.Form):
    file = forms.FileField(
        label="素材文件",
        help_text="图片（JPG/PNG/GIF）、语音（MP3/WMA/WAV/AMR）或视频；按文件内容判断格式，最大100MB",
    )


class TaskForm(forms.Form):
    kind = forms.ChoiceField(label="任务类型", choices=CoordinationTask.Kind.choices)
    title = forms.CharField(label="任务名称", max_length=200)
    instructions = forms.CharField(label="任务要求", widget=forms.Textarea(attrs={"rows": 4}))
    source_url = forms.URLField(label="参考链接", required=False, assume_scheme="https")
    due_at = forms.DateTimeField(
        label="完成时限",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    units = ModelChecklistField(label="承办单位", queryset=Unit.objects.none())

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "units", task_units(user))


class AnswerForm(forms.Form):
    post = forms.ModelChoiceField(label="落实该任务的信息", queryset=Post.objects.none())

    def __init__(self, *args: Any, unit_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "post", Post.objects.filter(unit=unit_id).order_by("-updated_at"))


class PostFilter(DateRangeFilter):
    SCOPES = [("mine", "本单位未发布"), ("all", "全部可见"), ("published", "已发布")]
    tab = forms.ChoiceField(label="范围", choices=SCOPES, required=False)
    status = forms.ChoiceField(label="状态", choices=[("", "全部"), *Post.Status.choices], required=False)
    category = forms.ChoiceField(
        label="类别", choices=[("", "全部"), *[(k, k) for k, _ in CATEGORIES]], required=False
    )
    unit = PickOrSearchField(label="单位")
    account = PickOrSearchField(label="账号")
    start = forms.DateField(label="更新自", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="至", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    q = forms.CharField(label="标题", required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        cast(PickOrSearchField, self.fields["unit"]).queryset = units_visible_to(user)
        cast(PickOrSearchField, self.fields["account"]).queryset = Account.objects.visible_to(user).only(
            *Account.LABEL_FIELDS
        )

    def posts(self) -> Any:
        qs = Post.objects.visible_to(self.user).select_related("unit")
        if self.is_bound and not self.is_valid():
            return qs.none()
        d = self.cleaned_data if self.is_bound else {}
        tab = d.get("tab") or "mine"
        if tab == "mine":
            qs = qs.filter(unit=self.user.unit_id).exclude(status=Post.Status.PUBLISHED)
        elif tab == "published":
            qs = qs.filter(status=Post.Status.PUBLISHED)
        for key in ("status", "category"):
            if d.get(key):
                qs = qs.filter(**{key: d[key]})
        qs = qs.filter(pick_filter(d.get("unit"), "unit"))
        if isinstance(d.get("account"), Account):
            qs = qs.filter(accounts=d["account"])
        elif d.get("account"):
            qs = qs.filter(pk__in=Post.objects.filter(pick_filter(d["account"], "accounts")).values("pk"))
        tz = timezone.get_current_timezone()
        if d.get("start"):
            qs = qs.filter(updated_at__gte=datetime.combine(d["start"], time.min, tz))
        if d.get("end"):
            qs = qs.filter(updated_at__lte=datetime.combine(d["end"], time.max, tz))
        if d.get("q"):
            qs = qs.filter(title__contains=d["q"].strip())
        return qs.order_by("-updated_at", "-id")
