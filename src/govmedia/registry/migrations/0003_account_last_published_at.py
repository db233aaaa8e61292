"""The account's latest publication time, kept by publishing (read by the inspection table, B-5)."""

from django.db import migrations, models
from django.db.models import Max, OuterRef, Subquery


def fill(apps, schema_editor):
    Account = apps.get_model("registry", "Account")
    Post = apps.get_model("publishing", "Post")
    latest = (
        Post.objects.filter(accounts=OuterRef("pk"), published_at__isnull=False)
        .order_by()
        .values("accounts")
        .annotate(at=Max("published_at"))
        .values("at")
    )
    Account.objects.update(last_published_at=Subquery(latest))


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0002_operator_grant_review"),
        ("publishing", "0004_reviewstep_county_required"),
    ]

    operations = [
        migrations.AddField(
            model_name="account",
            name="last_published_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="最近发布时间"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
