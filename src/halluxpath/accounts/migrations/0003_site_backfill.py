"""Existing rows belong to the default site (the first site, made by sites 0002)."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def to_default_site(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    site = apps.get_model("sites", "Site").objects.order_by("pk").first()
    if site is None:
        return
    for name in ("CareTeam", "User"):
        apps.get_model("accounts", name).objects.filter(site__isnull=True).update(site=site)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_site_nullable")]

    operations = [migrations.RunPython(to_default_site, migrations.RunPython.noop)]
