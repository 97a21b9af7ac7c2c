"""API tokens now expire (django-rest-knox replaces REST framework's never-ending tokens). The tokens REST framework
issued before go on working as knox tokens until the configured lifetime (REST_KNOX["TOKEN_TTL"]) from now, and
its table is emptied (it is left in place: REST framework's token app is no longer installed)."""

from django.conf import settings
from django.db import migrations
from django.utils import timezone
from knox.crypto import hash_token
from knox.settings import CONSTANTS

OLD_TABLE = "authtoken_token"


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return
    AuthToken = apps.get_model("knox", "AuthToken")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {connection.ops.quote_name('key')}, user_id FROM {OLD_TABLE}")
        rows = cursor.fetchall()
        expiry = timezone.now() + settings.REST_KNOX["TOKEN_TTL"]
        AuthToken.objects.bulk_create(
            AuthToken(digest=hash_token(key), token_key=key[: CONSTANTS.TOKEN_KEY_LENGTH], user_id=user, expiry=expiry)
            for key, user in rows
        )
        cursor.execute(f"DELETE FROM {OLD_TABLE}")


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0010_bounds"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
