"""Fetch records become core sync runs (kinds ``gmvmax.*``) plus a coverage table of what was
fetched when: every successful record becomes a coverage row; records in flight or failed are
dropped (the next request fetches again). The record sweeper's beat entry goes with them: the
core sync-run sweeper covers lost room fetches and backfills now."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def records_to_coverage(apps, schema_editor):
    FetchRecord = apps.get_model("gmvmax", "FetchRecord")
    FetchCoverage = apps.get_model("gmvmax", "FetchCoverage")
    newest = {}
    for record in FetchRecord.objects.filter(state="succeeded").order_by("finished_at", "id").iterator():
        # The records' targets ('advertiser:<pk>', 'campaign:<pk>') are the coverage targets.
        key = (record.tenant_id, record.kind, record.target, record.start_date, record.end_date)
        newest[key] = record
    FetchCoverage.objects.bulk_create(
        [
            FetchCoverage(
                tenant_id=record.tenant_id,
                kind=record.kind,
                target=record.target,
                advertiser_id=record.advertiser_id,
                campaign_id=record.campaign_id,
                start_date=record.start_date,
                end_date=record.end_date,
                fetched_at=record.finished_at or record.requested_at,
            )
            for record in newest.values()
        ],
        batch_size=1000,
    )


def drop_sweeper_schedule(apps, schema_editor):
    table = "django_celery_beat_periodictask"
    if table in schema_editor.connection.introspection.table_names():
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE name = %s", ["GMV Max lost room fetches"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("gmvmax", "0001_initial"),
        ("tiktok_ads", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="gmvmaxcampaign",
            name="platform_created_at",
            field=models.DateTimeField(
                blank=True, help_text="The platform's create_time: no figures exist before it (backfills start there).", null=True
            ),
        ),
        migrations.CreateModel(
            name="FetchCoverage",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[("campaign_stats", "Campaign daily stats"), ("rooms", "Live rooms of a campaign")], max_length=20
                    ),
                ),
                (
                    "target",
                    models.CharField(help_text="core.targets: 'advertiser:<pk>' for stats, 'campaign:<pk>' for rooms.", max_length=60),
                ),
                ("start_date", models.DateField()),
                ("end_date", models.DateField()),
                ("fetched_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "advertiser",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="gmvmax_coverage", to="tiktok_ads.advertiser"
                    ),
                ),
                (
                    "campaign",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="coverage",
                        to="gmvmax.gmvmaxcampaign",
                    ),
                ),
                ("tenant", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="core.tenant")),
            ],
            options={
                "ordering": ["-fetched_at", "-id"],
            },
        ),
        migrations.AddIndex(
            model_name="fetchcoverage",
            index=models.Index(fields=["tenant", "kind", "advertiser", "end_date"], name="gmvmax_coverage_advertiser"),
        ),
        migrations.AddConstraint(
            model_name="fetchcoverage",
            constraint=models.UniqueConstraint(
                fields=("tenant", "kind", "target", "start_date", "end_date"), name="gmvmax_coverage_tenant_target_range"
            ),
        ),
        migrations.RunPython(records_to_coverage, migrations.RunPython.noop),
        migrations.RunPython(drop_sweeper_schedule, migrations.RunPython.noop),
        migrations.DeleteModel(
            name="FetchRecord",
        ),
    ]
