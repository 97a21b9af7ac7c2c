"""What the benchmarks share: Django set up on the benchmark's own database, and a line describing the machine."""

import os
import platform
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / ".data"


def set_up_django(database_file: str) -> None:
    """Django on DATABASE_URL when the environment or .env sets it, otherwise on ``bench/.data/<database_file>``
    (never the demo's db.sqlite3); debug on unless DJANGO_DEBUG says otherwise, as the Makefile runs it."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import environ

    # Read .env as the settings will, to know whether it names a database.
    if (ROOT / ".env").is_file():
        environ.Env.read_env(ROOT / ".env")
    if "DATABASE_URL" not in os.environ:
        DATA.mkdir(exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{DATA / database_file}"

    import django

    django.setup()


def machine() -> str:
    from django.conf import settings
    from django.db import connection

    version = ".".join(str(part) for part in connection.get_database_version())
    # Other work on the machine moves the timings: the load average says how busy it was when the run started.
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return (
        f"{os.cpu_count()} CPUs, {platform.platform()}, Python {platform.python_version()}, "
        f"{connection.display_name} {version} ({settings.DATABASES['default']['NAME']}), DEBUG={settings.DEBUG}, "
        f"load average {load}"
    )
