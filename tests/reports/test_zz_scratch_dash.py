import io, time
import pytest
from django.core.management import call_command
from django.test.utils import CaptureQueriesContext
from django.db import connection

pytestmark = pytest.mark.django_db

def test_explore(client, settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=io.StringIO())
    settings.DEBUG = False
    connection.queries_log.clear()
    from projects.models import User
    client.force_login(User.objects.get(username="leader"))
    with CaptureQueriesContext(connection) as c:
        r = client.get("/reports/dashboard/")
    print("demo queries", len(c.captured_queries))
    t = time.perf_counter()
    call_command("seed_scale", projects=300, stdout=io.StringIO())
    print("seed", time.perf_counter() - t)
    t = time.perf_counter()
    with CaptureQueriesContext(connection) as c:
        r = client.get("/reports/dashboard/")
    print("seed queries", len(c.captured_queries), time.perf_counter() - t)
    print(r.context["proposals"]["session"], r.context["headline"]["projects"])
