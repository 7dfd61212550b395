from django.db import migrations


class Migration(migrations.Migration):
    """The per-event chain and its head row are gone: events are sealed instead (0003)."""

    dependencies = [
        ("audit", "0003_seal_the_chained_events"),
    ]

    operations = [
        migrations.DeleteModel(
            name="ChainHead",
        ),
        migrations.AlterModelOptions(
            name="auditevent",
            options={"ordering": ["-id"]},
        ),
        migrations.RemoveField(
            model_name="auditevent",
            name="previous_digest",
        ),
        migrations.RemoveField(
            model_name="auditevent",
            name="sequence",
        ),
    ]
