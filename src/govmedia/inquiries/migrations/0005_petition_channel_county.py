"""Each county has its own petition channel: the existing one becomes the county's of the lowest-id unit
(the instance's first county); any further rows (never used: the lowest-id row was the channel) and, with
no unit at all, every row are deleted."""

import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):
    PetitionChannel = apps.get_model("inquiries", "PetitionChannel")
    Unit = apps.get_model("org", "Unit")
    county_id = Unit.objects.order_by("pk").values_list("county_id", flat=True).first()
    first = PetitionChannel.objects.order_by("pk").first()
    if county_id is None or first is None:
        PetitionChannel.objects.all().delete()
        return
    PetitionChannel.objects.exclude(pk=first.pk).delete()
    PetitionChannel.objects.filter(pk=first.pk).update(county_id=county_id)


class Migration(migrations.Migration):
    dependencies = [("inquiries", "0004_step_county_required"), ("org", "0003_unit_county_required")]

    operations = [
        migrations.AddField(
            model_name="petitionchannel",
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
