import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from .schedules import MAX_YEAR, MIN_YEAR, ScheduleError, from_lines, validate

HELP = (
    "每行一个假期：<code>节日名称 开始日期 结束日期</code>（一天的假期只写一个日期）；"
    "调休上班的周末写在 <code>调休上班</code> 后面，可写多个。日期写成 2027-01-01。"
    "也可以直接粘贴 <code>govmedia calendar import</code> 使用的 JSON。"
)
EXAMPLE = "元旦 2027-01-01 2027-01-03\n春节 2027-02-06 2027-02-12\n调休上班 2027-01-31 2027-02-20"


class ScheduleForm(forms.Form):
    year = forms.IntegerField(label="年份", min_value=MIN_YEAR, max_value=MAX_YEAR)
    text = forms.CharField(
        label="放假安排",
        widget=forms.Textarea(attrs={"rows": 12, "placeholder": EXAMPLE, "spellcheck": "false"}),
        help_text=HELP,
    )
    source = forms.CharField(
        label="依据",
        required=False,
        max_length=300,
        help_text="国务院办公厅通知的文号，如：国办发明电〔2026〕7号",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        year, text = cleaned.get("year"), cleaned.get("text", "")
        if year is None or not text:
            return cleaned
        try:
            if text.lstrip().startswith("{"):
                data = json.loads(text)
                if isinstance(data, dict):
                    if data.get("year") != year:
                        raise ScheduleError(
                            [f"JSON中的年份（{data.get('year')}）与所填年份（{year}）不一致。"]
                        )
                    if cleaned.get("source") and "source" not in data:
                        data["source"] = cleaned["source"]
            else:
                data = from_lines(text, year, cleaned.get("source", ""))
            cleaned["warnings"] = validate(data).warnings
        except json.JSONDecodeError as exc:
            raise ValidationError(f"JSON格式有误（第{exc.lineno}行第{exc.colno}列）。") from None
        except ScheduleError as exc:
            raise ValidationError(exc.messages) from None
        cleaned["data"] = data
        return cleaned
