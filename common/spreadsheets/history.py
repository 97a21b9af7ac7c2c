"""The history of imported objects (django-simple-history), written for a whole import in a few queries rather than
several queries a row."""

from collections import defaultdict

from django.utils import timezone
from simple_history.models import HistoricalRecords


def write_history(entries, user):
    """The history of objects saved without it (``skip_history_when_saving``), written in a few queries: one record
    per object ("+" created, "~" changed) under ``user``, with the many-to-many values as they now are, as
    django-simple-history records them one by one."""
    by_model = defaultdict(lambda: {"+": [], "~": []})
    for instance, kind in entries:
        by_model[type(instance)][kind].append(instance)
    now = timezone.now()
    for model, kinds in by_model.items():
        manager = getattr(model, model._meta.simple_history_manager_attribute)
        records = []
        for kind, objects in kinds.items():
            if objects:
                records += manager.bulk_history_create(
                    objects, update=kind == "~", default_user=user, default_date=now, batch_size=500
                )
        for field in getattr(manager.model, "_history_m2m_fields", []):
            history_model = HistoricalRecords.m2m_models[field]
            through = field.remote_field.through
            source = through._meta.get_field(field.m2m_field_name()).attname
            rows = defaultdict(list)
            for row in through.objects.filter(**{f"{source}__in": [record.id for record in records]}):
                rows[getattr(row, source)].append(row)
            attnames = [through_field.attname for through_field in through._meta.fields]
            history_model.objects.bulk_create(
                [
                    history_model(history_id=record.pk, **{name: getattr(row, name) for name in attnames})
                    for record in records
                    for row in rows[record.id]
                ],
                batch_size=500,
            )
