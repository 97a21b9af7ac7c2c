import django.core.validators
import django.db.models.deletion
import django.db.models.functions.text
import django.db.models.lookups
from django.conf import settings
from django.db import migrations, models

TEXT = {"max_length": 5000, "validators": [django.core.validators.MaxLengthValidator(5000)]}


def record_approvals(apps, schema_editor):
    """Each list approved so far starts its history with that approval, as the services record it."""
    Baseline = apps.get_model("projects", "Baseline")
    BaselineEvent = apps.get_model("projects", "BaselineEvent")
    for baseline in Baseline._default_manager.all():
        event = BaselineEvent._default_manager.create(
            baseline=baseline, actor_id=baseline.decided_by_id, from_status="", to_status="approved", note=baseline.note
        )
        BaselineEvent._default_manager.filter(pk=event.pk).update(at=baseline.decided_at)


class Migration(migrations.Migration):
    """A baseline becomes a region's annual key-project list with a status: the lists approved so far stay approved,
    by whom and when they were (``approved_by``/``approved_at`` become ``decided_by``/``decided_at``)."""

    dependencies = [
        ("projects", "0002_owning_regions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name="baseline", old_name="approved_by", new_name="decided_by"),
        migrations.RenameField(model_name="baseline", old_name="approved_at", new_name="decided_at"),
        migrations.AlterField(
            model_name="baseline",
            name="decided_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="decided by",
            ),
        ),
        migrations.AlterField(
            model_name="baseline",
            name="decided_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="decided at"),
        ),
        migrations.AddField(
            model_name="baseline",
            name="status",
            field=models.CharField(
                choices=[("submitted", "Awaiting approval"), ("approved", "Approved"), ("returned", "Returned")],
                default="approved",
                max_length=20,
                verbose_name="status",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="baseline",
            name="submitted_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="submitted by",
            ),
        ),
        migrations.AddField(
            model_name="baseline",
            name="submitted_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="submitted at"),
        ),
        migrations.AddField(
            model_name="baseline",
            name="return_reason",
            field=models.TextField(blank=True, verbose_name="reason for returning", **TEXT),
        ),
        migrations.AlterModelOptions(
            name="baseline",
            options={
                "ordering": ["-year"],
                "verbose_name": "annual key-project list",
                "verbose_name_plural": "annual key-project lists",
            },
        ),
        migrations.CreateModel(
            name="BaselineEvent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField(auto_now_add=True, verbose_name="at")),
                (
                    "from_status",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("submitted", "Awaiting approval"),
                            ("approved", "Approved"),
                            ("returned", "Returned"),
                        ],
                        max_length=20,
                        verbose_name="from status",
                    ),
                ),
                (
                    "to_status",
                    models.CharField(
                        choices=[
                            ("submitted", "Awaiting approval"),
                            ("approved", "Approved"),
                            ("returned", "Returned"),
                        ],
                        max_length=20,
                        verbose_name="to status",
                    ),
                ),
                ("note", models.TextField(blank=True, verbose_name="note", **TEXT)),
                (
                    "actor",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="by",
                    ),
                ),
                (
                    "baseline",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="events",
                        to="projects.baseline",
                        verbose_name="annual key-project list",
                    ),
                ),
            ],
            options={
                "verbose_name": "key-project list step",
                "verbose_name_plural": "key-project list steps",
                "ordering": ["baseline", "at", "pk"],
            },
        ),
        migrations.AddConstraint(
            model_name="baseline",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "returned"), _negated=True),
                    models.Q(("return_reason", ""), _negated=True),
                    _connector="OR",
                ),
                name="baseline_returned_has_reason",
                violation_error_message="A returned list needs a reason.",
            ),
        ),
        migrations.AddConstraint(
            model_name="baseline",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "approved"), _negated=True), ("decided_at__isnull", False), _connector="OR"
                ),
                name="baseline_approved_has_date",
                violation_error_message="An approved list needs the day it was approved.",
            ),
        ),
        migrations.AddConstraint(
            model_name="baseline",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    django.db.models.lookups.LessThanOrEqual(
                        django.db.models.functions.text.Length("return_reason"), 5000
                    )
                ),
                name="baseline_texts_in_range",
                violation_error_message="A text is longer than its column allows.",
            ),
        ),
        migrations.AddConstraint(
            model_name="baselineevent",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length("note"), 5000)
                ),
                name="baseline_event_texts_in_range",
                violation_error_message="A text is longer than its column allows.",
            ),
        ),
        migrations.RunPython(record_approvals, migrations.RunPython.noop),
    ]
