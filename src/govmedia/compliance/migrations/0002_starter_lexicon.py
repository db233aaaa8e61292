"""The starter lexicon: plainly unlawful commercial terms only (data/starter_lexicon.txt)."""

from pathlib import Path
from typing import Any

from django.db import migrations

STARTER = Path(__file__).resolve().parent.parent / "data" / "starter_lexicon.txt"


def load(apps: Any, schema_editor: Any) -> None:
    from govmedia.compliance.core import lexiconfile

    entry_model = apps.get_model("compliance", "LexiconEntry")
    if entry_model.objects.exists():
        return
    entries, _ = lexiconfile.parse(STARTER.read_text(encoding="utf-8"))
    entry_model.objects.bulk_create(
        [
            entry_model(
                word=e.word, category=e.category, severity=e.severity, suggestion=e.suggestion, note=e.note
            )
            for e in entries
        ]
    )


class Migration(migrations.Migration):
    dependencies = [("compliance", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
