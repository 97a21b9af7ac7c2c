"""The Chinese catalogue is complete and compiled, and every label a user sees through a model is translated."""

import gettext
import re
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES"
CJK = re.compile(r"[\u4e00-\u9fff]")
OUR_APPS = ("common", "attachments", "projects", "proposals", "reports")


def test_catalogue_has_no_untranslated_or_fuzzy_entry():
    po = polib.pofile(str(CATALOGUE / "django.po"))
    assert [entry.msgid for entry in po.untranslated_entries()] == []
    assert [entry.msgid for entry in po.fuzzy_entries()] == []


def test_compiled_catalogue_matches_the_source():
    po = polib.pofile(str(CATALOGUE / "django.po"))
    with (CATALOGUE / "django.mo").open("rb") as mo_file:
        compiled = gettext.GNUTranslations(mo_file)
    stale = [
        entry.msgid
        for entry in po.translated_entries()
        if (
            compiled.ngettext(entry.msgid, entry.msgid_plural, 1) != entry.msgstr_plural[0]
            if entry.msgid_plural
            else compiled.pgettext(entry.msgctxt, entry.msgid) != entry.msgstr
            if entry.msgctxt
            else compiled.gettext(entry.msgid) != entry.msgstr
        )
    ]
    assert stale == [], "run `make messages` (or compile the .po) and commit the .mo"


def model_labels():
    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS or model.__name__.startswith("Historical"):
            continue
        yield f"{model.__name__}", model._meta.verbose_name
        for field in model._meta.get_fields():
            if model.__name__ == "User" and field.name not in {"organization", "phone"}:
                continue  # Django's own user fields come with Django's own translations
            if hasattr(field, "verbose_name") and not field.auto_created:
                yield f"{model.__name__}.{field.name}", field.verbose_name
                for value, label in getattr(field, "flatchoices", None) or []:
                    yield f"{model.__name__}.{field.name}={value}", label


@pytest.mark.parametrize(("where", "label"), list(model_labels()), ids=lambda value: str(value))
def test_model_labels_are_translated(where, label):
    with translation.override("zh-hans"):
        assert CJK.search(str(label)), f"{where}: {label!r} has no Chinese translation"
