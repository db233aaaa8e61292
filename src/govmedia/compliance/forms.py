from typing import Any

from django import forms

from .core.post import EMERGENCY_FIELDS, REPOST_FIELDS, Post
from .core.profiles import LIMIT_DEFS, MEDIA_KINDS, MEDIA_LABELS, Profile
from .core.rules import CATEGORIES, EMERGENCY_LABELS, REPOST_LABELS
from .models import LexiconEntry

KIND_CHOICES = [("original", "原创"), ("repost", "转载"), ("portal", "门户网站已发布")]


class CheckForm(forms.Form):
    """The fields a post has, under the names the post editor will use too."""

    platform = forms.ChoiceField(label="发布平台", required=False)
    title = forms.CharField(label="标题", required=False, widget=forms.TextInput)
    body = forms.CharField(label="正文", required=False, widget=forms.Textarea(attrs={"rows": 10}))
    category = forms.ChoiceField(
        label="信息分类（5.3）",
        required=False,
        choices=[("", "请选择"), *[(k, f"{k}）{v}") for k, v in CATEGORIES.items()]],
    )
    kind = forms.ChoiceField(label="信息来源", choices=KIND_CHOICES, initial="original")
    repost_source = forms.CharField(label="转载：信息来源", required=False)
    repost_author = forms.CharField(label="转载：原作者", required=False)
    repost_original_title = forms.CharField(label="转载：原标题", required=False)
    repost_reposted_at = forms.CharField(
        label="转载：转载时间", required=False, help_text="如 2026-11-27T10:00:00+08:00 或 2026-11-27 10:00"
    )
    portal_url = forms.CharField(label="门户网站原文网址", required=False)
    emergency = forms.BooleanField(label="突发事件信息（须具备“五要素”）", required=False)
    emergency_event = forms.CharField(label="事件", required=False)
    emergency_location = forms.CharField(label="地点", required=False)
    emergency_event_type = forms.CharField(label="事件类型", required=False)
    emergency_situation = forms.CharField(
        label="事态简况", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    emergency_measures = forms.CharField(
        label="目前采取的措施", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, profiles: dict[str, Profile], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["platform"]
        field.choices = [("", "不限平台（仅检查内容）"), *[(k, p.label) for k, p in profiles.items()]]

    def to_post(self) -> Post:
        data = self.cleaned_data
        repost = {name: data.get(f"repost_{name}") or "" for name in REPOST_FIELDS}
        emergency = {name: data.get(f"emergency_{name}") or "" for name in EMERGENCY_FIELDS}
        return Post(
            title=data.get("title") or "",
            body=data.get("body") or "",
            category=data.get("category") or None,
            kind=data.get("kind") or "original",
            repost=repost if data.get("kind") == "repost" else None,
            portal_url=data.get("portal_url") or None,
            emergency=emergency if data.get("emergency") else None,
        )


# The labels the findings panel uses for each field a finding names.
FIELD_LABELS = {
    "title": "标题",
    "body": "正文",
    "category": "信息分类",
    "portal_url": "门户网站原文网址",
    "account": "账号",
    **{f"repost.{k}": f"转载·{v}" for k, v in REPOST_LABELS.items()},
    **{f"emergency.{k}": f"五要素·{v}" for k, v in EMERGENCY_LABELS.items()},
}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class MediaForm(forms.Form):
    media_image = MultipleFileField(label="图片", required=False)
    media_voice = MultipleFileField(label="语音", required=False)
    media_video = MultipleFileField(label="视频", required=False)


class LexiconEntryForm(forms.ModelForm):
    class Meta:
        model = LexiconEntry
        fields = ["word", "category", "severity", "suggestion", "note"]

    def clean_word(self) -> str:
        word: str = self.cleaned_data["word"].strip()
        if not word:
            raise forms.ValidationError("请填写词语。")
        if "\t" in word or "\n" in word:
            raise forms.ValidationError("词语不能包含制表符或换行。")
        clash = LexiconEntry.objects.filter(word=word).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("词库中已有这个词语。")
        return word


class LexiconImportForm(forms.Form):
    text = forms.CharField(
        label="词库文本",
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="每行一个词语：词语、类别、处理方式（block 拦截 / warn 提示）、建议用语、备注，"
        "以制表符或“|”分隔；"
        "“#”开头的行为注释。",
    )
    file = forms.FileField(label="或上传文本文件（UTF-8）", required=False)
    replace = forms.BooleanField(label="以导入内容替换整个词库（未列出的词语将被删除）", required=False)

    MAX_BYTES = 5 * 1024 * 1024

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        text = data.get("text") or ""
        upload = data.get("file")
        if upload is not None:
            if upload.size > self.MAX_BYTES:
                raise forms.ValidationError("文件超过5MB。")
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError("文件不是UTF-8编码的文本。") from None
        if not text.strip():
            raise forms.ValidationError("请粘贴词库文本或上传文件。")
        data["text"] = text
        return data


class ProfileForm(forms.Form):
    """One number field per limit (sizes in MB) and one format list per media kind; empty means no limit."""

    def __init__(self, *args: Any, profile: Profile, default: Profile, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.profile = profile
        for key, definition in LIMIT_DEFS.items():
            if key == "text.max_chars" and profile.key != "weibo" and profile.limit(key) is None:
                continue
            current = profile.limits.get(key)
            shipped = default.limits.get(key)
            value = current.value if current else None
            shown_default = (
                "不限" if shipped is None or shipped.value is None else shipped.value // definition.scale
            )
            self.fields[f"limit__{key}"] = forms.IntegerField(
                label=f"{definition.label}（{definition.unit}）",
                required=False,
                min_value=1,
                max_value=10_000_000,
                initial=None if value is None else value // definition.scale,
                help_text=f"默认：{shown_default}"
                + (f"；依据：{shipped.source}" if shipped is not None and shipped.source else ""),
            )
        for kind in MEDIA_KINDS:
            current_rule = profile.formats.get(kind)
            shipped_rule = default.formats.get(kind)
            allowed = current_rule.allowed if current_rule else None
            default_text = (
                "、".join(shipped_rule.allowed) if shipped_rule and shipped_rule.allowed else "不限"
            )
            self.fields[f"formats__{kind}"] = forms.CharField(
                label=f"{MEDIA_LABELS[kind]}格式",
                required=False,
                initial="、".join(allowed) if allowed is not None else "",
                help_text=f"以顿号或逗号分隔，留空为不限（仍须为可识别的{MEDIA_LABELS[kind]}）。默认：{default_text}",
            )

    def clean(self) -> dict[str, Any]:
        from .core.profiles import KNOWN_FORMATS, normalize_format

        data = super().clean() or {}
        for kind in MEDIA_KINDS:
            raw = (data.get(f"formats__{kind}") or "").replace("，", ",").replace("、", ",").replace(" ", ",")
            names = [n.strip().lower().lstrip(".") for n in raw.split(",") if n.strip()]
            unknown = [n for n in names if normalize_format(n) not in KNOWN_FORMATS[kind]]
            if unknown:
                known = "、".join(KNOWN_FORMATS[kind])
                self.add_error(f"formats__{kind}", f"无法识别的格式：{'、'.join(unknown)}（可识别：{known}）")
            data[f"formats__{kind}"] = names or None
        return data

    def limits(self) -> dict[str, int | None]:
        out = {}
        for key, definition in LIMIT_DEFS.items():
            name = f"limit__{key}"
            if name in self.fields:
                value = self.cleaned_data.get(name)
                out[key] = None if value is None else value * definition.scale
        return out

    def formats(self) -> dict[str, list[str] | None]:
        return {kind: self.cleaned_data.get(f"formats__{kind}") for kind in MEDIA_KINDS}
