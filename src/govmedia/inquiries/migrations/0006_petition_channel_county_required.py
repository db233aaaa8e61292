"""The channel's county is required, one channel per county (a migration of its own: PostgreSQL will not
alter a table with the previous migration's deferred foreign-key checks pending)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("inquiries", "0005_petition_channel_county")]

    operations = [
        migrations.AlterField(
            model_name="petitionchannel",
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
        migrations.AddConstraint(
            model_name="petitionchannel",
            constraint=models.UniqueConstraint(fields=["county"], name="inquiry_channel_one_per_county"),
        ),
    ]
