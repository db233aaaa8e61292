"""Counties: a unit belongs to one, and the county-wide roles see their own county only."""

from django.db import migrations, models
import django.db.models.deletion


def one_county_for_existing_units(apps, schema_editor):
    Unit = apps.get_model("org", "Unit")
    County = apps.get_model("org", "County")
    if not Unit.objects.exists():
        return
    gov = Unit.objects.filter(kind="county_gov").order_by("id").first()
    name = gov.name.removesuffix("人民政府") if gov else "本县"
    county = County.objects.create(name=name or "本县")
    Unit.objects.update(county=county)


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="County",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=50, unique=True, verbose_name="县（市、区）名称")),
            ],
            options={"verbose_name": "县（市、区）", "verbose_name_plural": "县（市、区）", "ordering": ["id"]},
        ),
        migrations.AddField(
            model_name="unit",
            name="county",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="units",
                to="org.county",
                verbose_name="所属县（市、区）",
            ),
        ),
        migrations.RunPython(one_county_for_existing_units, migrations.RunPython.noop),
    ]
