"""Small helpers shared by the apps' forms."""

from typing import Any

from django import forms
from django.db.models import QuerySet


def limit_choices(form: forms.Form, name: str, queryset: QuerySet[Any], label: Any = None) -> None:
    """Narrow a model choice field to what this person may pick (and optionally how each is labelled)."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset
    if label is not None:
        field.label_from_instance = label  # type: ignore[method-assign]
