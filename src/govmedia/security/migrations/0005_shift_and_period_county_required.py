"""The county of a shift and of a heightened period is required, and a day is unique per county instead of
for the whole instance (a migration of its own: PostgreSQL will not alter a table with the previous
migration's deferred foreign-key checks pending)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("security", "0004_shift_and_period_county")]

    operations = [
        migrations.AlterField(
            model_name="dutyshift",
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
        migrations.AlterField(
            model_name="heightenedperiod",
            name="county",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="org.county",
                verbose_name="县（市、区）",
            ),
        ),
        migrations.AlterField(
            model_name="dutyshift",
            name="on",
            field=models.DateField(verbose_name="日期"),
        ),
        migrations.AddConstraint(
            model_name="dutyshift",
            constraint=models.UniqueConstraint(fields=("county", "on"), name="one_duty_shift_per_county_day"),
        ),
        migrations.AlterModelOptions(
            name="dutyshift",
            options={
                "ordering": ["on", "county_id"],
                "verbose_name": "值班安排",
                "verbose_name_plural": "值班安排",
            },
        ),
    ]
