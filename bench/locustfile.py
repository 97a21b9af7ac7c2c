"""The load test's users, run by ``bench/load.py`` (locust, headless): leaders and office staff browsing, API clients
reading with a token, and liaisons filing the month's progress report through the reporting page.

Every request is named by its kind (``dashboard``, ``list /projects/``, ``api /api/v1/projects/``…); ``load.py``
reads the samples this file writes when the test stops (``BENCH_LOAD_SAMPLES``) and prints the figures per kind.
The readers and the exporter are the synthetic portfolio's accounts (``bench-leader``, ``sc-reviewer``: they see the
portfolio, which has no region), the liaisons the demo's (``liaison``, reporting the demo's projects of 镇海区); all
with the password demo-2026 (``load.py`` sets it). The projects visited are the ones listed in
``BENCH_LOAD_PROJECTS`` (written by ``load.py`` from the database).
"""

import io
import itertools
import json
import os
import random
import time
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

from locust import HttpUser, between, constant_throughput, events, task

PASSWORD = "demo-2026"
WAIT = [float(value) for value in os.environ.get("BENCH_LOAD_WAIT", "1 3").split()]
# A fixed offered load (``load.py --rate``): all users together run this many tasks a second, each user its share
# (locust's constant throughput), however fast the server answers; 0: each user pauses WAIT between tasks.
RATE = float(os.environ.get("BENCH_LOAD_RATE", "0"))
USERS = int(os.environ.get("BENCH_LOAD_USERS", "1"))
# The exporter starts an export at most this often (seconds); between, it reads its list of exports.
EXPORT_EVERY = float(os.environ.get("BENCH_LOAD_EXPORT_EVERY", "60"))
PROJECTS = (
    json.loads(Path(os.environ["BENCH_LOAD_PROJECTS"]).read_text()) if "BENCH_LOAD_PROJECTS" in os.environ else []
)


def pause():
    return constant_throughput(RATE / USERS) if RATE else between(*WAIT)


DOMAINS = json.loads(os.environ.get("BENCH_LOAD_DOMAINS", "[]"))
# (time, name, milliseconds, failure or None)
SAMPLES: list[tuple[float, str, float, str | None]] = []


@events.request.add_listener
def record(request_type, name, response_time, response_length, exception=None, **kwargs):
    SAMPLES.append((time.time(), name, response_time, None if exception is None else str(exception)[:200]))


@events.test_stop.add_listener
def write_samples(**kwargs):
    path = os.environ.get("BENCH_LOAD_SAMPLES")
    if path:
        with open(path, "w") as file:
            json.dump(SAMPLES, file)


class FormFields(HTMLParser):
    """The fields of the page's POST form, by name, as a browser would send them untouched."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}
        self.in_post_form = False
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_post_form = (attrs.get("method") or "").lower() == "post"
        elif self.in_post_form and tag == "input" and attrs.get("name"):
            if attrs.get("type") not in ("checkbox", "radio", "submit") or "checked" in attrs:
                self.fields[attrs["name"]] = attrs.get("value") or ""
        elif self.in_post_form and tag == "textarea" and attrs.get("name"):
            self.textarea = attrs["name"]
            self.fields[self.textarea] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_post_form = False
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            # As a browser reads it: a newline right after <textarea> is not part of the value.
            first = not self.fields[self.textarea]
            self.fields[self.textarea] += data.removeprefix("\n") if first else data


def site_photo() -> bytes:
    """A JPEG of 1,200 × 900 pixels of noise (no two alike), as a phone's site photo would be, smaller."""
    from PIL import Image

    image = Image.effect_noise((1200, 900), random.randint(20, 80)).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def form_fields(html: str) -> dict[str, str]:
    parser = FormFields()
    parser.feed(html)
    return parser.fields


class WebUser(HttpUser):
    abstract = True
    wait_time = pause()
    username = ""

    def on_start(self):
        self.client.get("/accounts/login/", name="login")
        response = self.client.post(
            "/accounts/login/",
            {
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
            },
            name="login",
            allow_redirects=False,
            catch_response=True,
        )
        with response:
            if response.status_code != 302:
                response.failure(f"login of {self.username} answered {response.status_code}")

    def page(self, path: str, name: str):
        self.client.get(path, name=name)


class Browser(WebUser):
    """A leader or office member: the dashboard, the lists (sometimes sorted by a derived figure) and project pages."""

    weight = 3
    accounts = itertools.cycle(["bench-leader", "sc-reviewer"])

    def on_start(self):
        self.username = next(self.accounts)
        super().on_start()

    @task(3)
    def dashboard(self):
        self.page("/reports/dashboard/", "dashboard")

    @task(3)
    def projects(self):
        ordering = random.choice(["", "", "", "-progress", "health", "-investment"])
        page = random.randint(1, max(1, len(PROJECTS) // 50))
        self.page(f"/projects/?page={page}&ordering={ordering}", "list /projects/")

    @task(2)
    def proposals(self):
        self.page("/proposals/", "list /proposals/")

    @task(2)
    def milestones(self):
        self.page("/milestones/", "list /milestones/")

    @task(2)
    def progress(self):
        self.page("/progress/", "list /progress/")

    @task(4)
    def project(self):
        self.page(f"/projects/{random.choice(PROJECTS)}/", "project page")


class ApiClient(HttpUser):
    """A system reading the API with a token (the leader's)."""

    weight = 1
    wait_time = pause()

    def on_start(self):
        response = self.client.post(
            "/api/v1/auth/token/", {"username": "bench-leader", "password": PASSWORD}, name="login"
        )
        self.client.headers["Authorization"] = f"Token {response.json()['token']}"

    @task(3)
    def projects(self):
        page = random.randint(1, max(1, len(PROJECTS) // 50))
        self.client.get(f"/api/v1/projects/?page={page}", name="api /api/v1/projects/")

    @task(3)
    def project(self):
        self.client.get(f"/api/v1/projects/{random.choice(PROJECTS)}/", name="api /api/v1/projects/<pk>/")

    @task(1)
    def milestones(self):
        self.client.get(f"/api/v1/milestones/?project={random.choice(PROJECTS)}", name="api /api/v1/milestones/")

    @task(1)
    def reports(self):
        self.client.get("/api/v1/progress-reports/?status=submitted", name="api /api/v1/progress-reports/")


class Liaison(WebUser):
    """A department liaison revising the month's report of one project (each liaison user its own project) through
    the reporting page: open it, change the progress, submit; the page answers with a redirect to itself."""

    fixed_count = int(os.environ.get("BENCH_LOAD_LIAISONS", "2"))
    abstract = fixed_count == 0  # none at all (locust would otherwise spawn them by weight)
    username = "liaison"
    rows = itertools.count()

    def on_start(self):
        super().on_start()
        self.row = next(self.rows)
        self.photo_sent = False

    @task
    def report(self):
        response = self.client.get("/progress/report/", name="progress report form")
        fields = form_fields(response.text)
        prefixes = sorted({name.split("-")[0] for name in fields if name.endswith("-progress")})
        if self.row >= len(prefixes):
            raise RuntimeError(f"the liaison's page offers {len(prefixes)} reports; liaison user {self.row} has none")
        prefix = prefixes[self.row]
        data = {name: value for name, value in fields.items() if name.startswith(f"{prefix}-")}
        data["csrfmiddlewaretoken"] = fields["csrfmiddlewaretoken"]
        progress = Decimal(data[f"{prefix}-progress"] or "0")
        data[f"{prefix}-progress"] = str(progress + Decimal("0.1") if progress < 99 else progress - Decimal("0.1"))
        if not data.get(f"{prefix}-summary", "").strip():  # a report not filed yet
            data[f"{prefix}-summary"] = "压力测试：本月按计划推进。"
        # A report of a key project under construction needs a site photo: the first submission brings one.
        files = {} if self.photo_sent else {f"{prefix}-photos": ("现场.jpg", site_photo(), "image/jpeg")}
        self.photo_sent = True
        with self.client.post(
            "/progress/report/",
            data,
            files=files,
            name="progress report submit",
            allow_redirects=False,
            catch_response=True,
        ) as submitted:
            if submitted.status_code != 302:
                submitted.failure(f"submitting answered {submitted.status_code}")


class Exporter(WebUser):
    """Office staff exporting a long list: the request queues a background job (its rows above the threshold), the
    user polls the job's status, one request per task, and downloads the file when it is done; the next export
    starts EXPORT_EVERY seconds after the last, and meanwhile the user reads 我的导出."""

    fixed_count = int(os.environ.get("BENCH_LOAD_EXPORTERS", "0"))
    abstract = fixed_count == 0
    username = "sc-reviewer"

    def on_start(self):
        super().on_start()
        self.job_url, self.last_start = "", float("-inf")

    @task
    def export(self):
        if self.job_url:
            state = self.client.get(f"{self.job_url}status/", name="export job status").json()
            if state["status"] == "done":
                self.client.get(state["download_url"], name="export download")
                self.job_url = ""
            elif state["status"] == "failed":
                raise RuntimeError(f"the export job failed: {state['error']}")
        elif time.monotonic() - self.last_start >= EXPORT_EVERY:
            self.last_start = time.monotonic()
            with self.client.get(
                f"/projects/?domain={random.choice(DOMAINS)}&export=xlsx",
                name="export start",
                allow_redirects=False,
                catch_response=True,
            ) as started:
                if started.status_code != 302 or "/exports/mine/" not in started.headers.get("Location", ""):
                    started.failure(f"the export answered {started.status_code}, not a job")
                else:
                    self.job_url = started.headers["Location"]
        else:
            self.client.get("/exports/mine/", name="list /exports/mine/")
