"""Each county keeps its own duty roster and its own heightened periods. A shift becomes its person on
duty's county's (the roster was one row per day for the whole instance, so no two shifts meet on a day); a
period its author's county's. A person without a unit, or a period without an author, falls to the county of
the lowest-id unit (the instance's first county), else the lowest-id county. Rows are dropped only when the
instance has no county at all."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def _county_of_person(apps, field):
    """The county of the unit of the person in `field`, as a subquery."""
    User = apps.get_model("org", "User")
    return Subquery(User.objects.filter(pk=OuterRef(field)).order_by().values("unit__county")[:1])


def fill(apps, schema_editor):
    County = apps.get_model("org", "County")
    Unit = apps.get_model("org", "Unit")
    DutyShift = apps.get_model("security", "DutyShift")
    HeightenedPeriod = apps.get_model("security", "HeightenedPeriod")
    fallback = Unit.objects.order_by("pk").values_list("county_id", flat=True).first()
    if fallback is None:
        fallback = County.objects.order_by("pk").values_list("pk", flat=True).first()
    if fallback is None:
        DutyShift.objects.all().delete()
        HeightenedPeriod.objects.all().delete()
        return
    for model, person in ((DutyShift, "user_id"), (HeightenedPeriod, "created_by_id")):
        model.objects.update(
            county=Coalesce(
                _county_of_person(apps, person), Value(fallback), output_field=models.BigIntegerField()
            )
        )


class Migration(migrations.Migration):
    dependencies = [("security", "0003_two_factor_required"), ("org", "0003_unit_county_required")]

    operations = [
        migrations.AddField(
            model_name="dutyshift",
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
        migrations.AddField(
            model_name="heightenedperiod",
            name="county",
            field=models.ForeignKey(
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
