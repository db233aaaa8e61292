"""Small helpers shared by the apps' forms."""

from typing import Any

from django import forms
from django.db.models import Model, Q, QuerySet
from django.forms.boundfield import BoundField
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

# A filter drop-down lists at most this many units or accounts; above it, the filter is a name search.
PICK_LIMIT = 100


class DateRangeFilter(forms.Form):
    """A list filter with `start` and `end` date fields: a range that ends before it begins is refused,
    not answered with an empty list."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError("起始日期不能晚于截止日期。")
        return data


MAX_ID = 2**63 - 1  # the largest id a database integer holds


def number(text: str) -> int | None:
    """ASCII digits as an int, else None: str.isdigit() also accepts 「²」, on which int() fails."""
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() else None


def parse_id(text: str) -> int | None:
    """An id from a query string, or None. A number beyond a database integer is 0, which no row has: SQLite
    refuses such a number with OverflowError."""
    value = number(text)
    return None if value is None else (value if value <= MAX_ID else 0)


class ModelChecklistField(forms.ModelMultipleChoiceField):
    """Several rows picked from check boxes. An id too large for a database integer is an invalid choice like
    any other unknown id: Django passed it on, and SQLite refused it with OverflowError (a 500)."""

    widget = forms.CheckboxSelectMultiple

    def clean(self, value: Any) -> Any:
        for pk in value if isinstance(value, list | tuple) else []:
            try:
                too_big = abs(int(str(pk))) > MAX_ID
            except ValueError:
                continue  # not a number: Django refuses it as an invalid id
            if too_big:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                )
        return super().clean(value)


def limit_choices(form: forms.Form, name: str, queryset: QuerySet[Any], label: Any = None) -> None:
    """Narrow a model choice field to what this person may pick (and optionally how each is labelled)."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset
    if label is not None:
        field.label_from_instance = label  # type: ignore[method-assign]


class _PickBoundField(BoundField):
    def as_widget(self, widget: Any = None, attrs: Any = None, only_initial: bool = False) -> SafeString:
        field = self.field
        assert isinstance(field, PickOrSearchField)
        return field.render(self.html_name, self.value(), self.auto_id or "")


class PickOrSearchField(forms.Field):
    """A list filter on one unit or account among those a person may see.

    While they are at most `limit`, it is a drop-down of them (the query reads `limit + 1` rows, whatever
    the data size); above that, a text box that searches by name. The value is an id (the drop-down, or a
    link such as `?unit=3`: an id outside the queryset is refused like a drop-down's invalid choice) or a
    text to search for; `cleaned_data` holds the object, the stripped text, or None for "全部"."""

    default_error_messages = {"invalid_choice": "选择一个有效的选项。所选择的选项不在可用的选项中。"}

    def __init__(
        self,
        *,
        queryset: QuerySet[Any] | None = None,
        empty_label: str = "全部",
        limit: int = PICK_LIMIT,
        label_from_instance: Any = str,
        name_field: str = "name",
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.queryset = queryset
        self.empty_label = empty_label
        self.limit = limit
        self.label_from_instance = label_from_instance
        self.name_field = name_field
        self.picked: Model | None = None

    def get_bound_field(self, form: Any, field_name: str) -> BoundField:
        return _PickBoundField(form, self, field_name)

    def _visible(self) -> QuerySet[Any]:
        assert self.queryset is not None, "PickOrSearchField needs a queryset"
        return self.queryset

    def to_python(self, value: Any) -> Model | str | None:
        text = str(value or "").strip()[:100]
        if not text:
            return None
        if (pk := parse_id(text)) is not None:
            obj = self._visible().filter(pk=pk).first()
            if obj is None:
                raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
            self.picked = obj
            return obj
        return text

    def options(self) -> list[Any] | None:
        """The objects of the drop-down, or None when there are too many (a search box instead)."""
        rows = list(self._visible()[: self.limit + 1])
        return None if len(rows) > self.limit else rows

    def render(self, name: str, value: Any, auto_id: str) -> SafeString:
        current = "" if value is None else str(value.pk if isinstance(value, Model) else value).strip()
        rows = self.options()
        if rows is not None and (not current or parse_id(current) is not None):
            choices = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    (obj.pk, " selected" if str(obj.pk) == current else "", self.label_from_instance(obj))
                    for obj in rows
                ),
            )
            return format_html(
                '<select name="{}" id="{}"><option value="">{}</option>{}</select>',
                name,
                auto_id,
                self.empty_label,
                choices,
            )
        if (pk := parse_id(current)) is not None:
            picked = self.picked if self.picked is not None and str(self.picked.pk) == current else None
            picked = picked or self._visible().filter(pk=pk).first()
            current = str(getattr(picked, self.name_field)) if picked is not None else ""
        return format_html(
            '<input type="search" name="{}" id="{}" value="{}" placeholder="输入名称查找">',
            name,
            auto_id,
            current,
        )


def pick_filter(value: Any, path: str, name_field: str = "name") -> Q:
    """The condition a PickOrSearchField value puts on the relation `path`: that object, or a name that
    contains the text; none for None."""
    if value is None or value == "":
        return Q()
    if isinstance(value, Model):
        return Q(**{path: value.pk})
    return Q(**{f"{path}__{name_field}__icontains": str(value)})
