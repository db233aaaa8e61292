"""Each step carries its message's county (so a county's open county-level steps are found by one index)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    Step = apps.get_model("inquiries", "Step")
    Inquiry = apps.get_model("inquiries", "Inquiry")
    county = Inquiry.objects.filter(pk=OuterRef("inquiry_id")).values("account__unit__county")[:1]
    Step.objects.update(county=Subquery(county))


class Migration(migrations.Migration):
    dependencies = [("inquiries", "0002_list_order_indexes"), ("org", "0003_unit_county_required")]

    operations = [
        migrations.AddField(
            model_name="step",
            name="county",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="org.county",
                verbose_name="县（市、区）",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
