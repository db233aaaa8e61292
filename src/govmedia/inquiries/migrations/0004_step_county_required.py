"""The step's county is required, and indexed for the open county-level steps (a migration of its own:
PostgreSQL will not alter a table with the previous migration's deferred foreign-key checks pending)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("inquiries", "0003_step_county")]

    operations = [
        migrations.AlterField(
            model_name="step",
            name="county",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="org.county",
                verbose_name="县（市、区）",
            ),
        ),
        migrations.AddIndex(
            model_name="step",
            index=models.Index(
                condition=models.Q(("assignee_unit__isnull", True), ("state", "open")),
                fields=["county", "assignee_role"],
                name="inquiry_step_county_open",
            ),
        ),
    ]
