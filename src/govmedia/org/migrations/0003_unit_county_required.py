"""Every unit belongs to a county (a migration of its own: PostgreSQL will not alter a table with the
previous migration's deferred foreign-key checks pending)."""

from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):
    dependencies = [("org", "0002_county")]

    operations = [
        migrations.AlterField(
            model_name="unit",
            name="county",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="units",
                to="org.county",
                verbose_name="所属县（市、区）",
            ),
        ),
    ]
