"""The default site: existing installs keep their process-wide settings as its settings."""

from django.apps.registry import Apps
from django.conf import settings
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def create_default_site(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Site = apps.get_model("sites", "Site")
    if Site.objects.exists():
        return
    Site.objects.create(
        slug="main",
        name=getattr(settings, "HALLUXPATH_CLINIC_NAME", "The foot clinic"),
        time_zone=settings.TIME_ZONE,
        reminder_hour=getattr(settings, "HALLUXPATH_REMINDER_HOUR", 10),
        public_url=getattr(settings, "HALLUXPATH_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/"),
    )


class Migration(migrations.Migration):
    dependencies = [("sites", "0001_initial")]

    operations = [migrations.RunPython(create_default_site, migrations.RunPython.noop)]
