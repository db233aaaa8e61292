"""Group robots' addresses (which carry the robot's key) and 加签 secrets are encrypted at rest."""

from django.db import migrations, models


def encrypt_existing(apps, schema_editor):
    from govmedia.platforms import crypto

    Target = apps.get_model("notifications", "WebhookTarget")
    for t in Target.objects.all():
        t.url_encrypted = crypto.encrypt(t.url) if t.url else ""
        t.secret_encrypted = crypto.encrypt(t.secret) if t.secret else ""
        t.save(update_fields=["url_encrypted", "secret_encrypted"])


def decrypt_existing(apps, schema_editor):
    from govmedia.platforms import crypto

    Target = apps.get_model("notifications", "WebhookTarget")
    for t in Target.objects.all():
        t.url = crypto.decrypt(t.url_encrypted) if t.url_encrypted else ""
        t.secret = crypto.decrypt(t.secret_encrypted) if t.secret_encrypted else ""
        t.save(update_fields=["url", "secret"])


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="webhooktarget",
            name="url_encrypted",
            field=models.TextField(default="", verbose_name="机器人地址（加密保存）"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="webhooktarget",
            name="secret_encrypted",
            field=models.TextField(blank=True, verbose_name="加签密钥（加密保存）"),
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing),
        migrations.RemoveField(model_name="webhooktarget", name="url"),
        migrations.RemoveField(model_name="webhooktarget", name="secret"),
    ]
