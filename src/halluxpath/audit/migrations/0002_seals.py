from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditSeal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveBigIntegerField(unique=True)),
                ("sealed_at", models.DateTimeField()),
                ("first_event_id", models.BigIntegerField(db_index=True)),
                ("last_event_id", models.BigIntegerField(db_index=True)),
                ("event_count", models.PositiveIntegerField()),
                ("event_ranges", models.JSONField()),
                ("merge_delay_seconds", models.PositiveIntegerField()),
                ("batch_digest", models.CharField(max_length=64)),
                ("contents_digest", models.CharField(max_length=64)),
                ("previous_digest", models.CharField(max_length=64)),
                ("digest", models.CharField(max_length=64)),
            ],
            options={
                "ordering": ["number"],
            },
        ),
        migrations.CreateModel(
            name="SealHead",
            fields=[
                (
                    "id",
                    models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False),
                ),
                ("number", models.PositiveBigIntegerField(default=0)),
                ("digest", models.CharField(max_length=64)),
            ],
        ),
    ]
