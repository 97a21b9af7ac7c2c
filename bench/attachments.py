"""Attachments benchmark: ten 4 MB phone photos uploaded through the API, one photo's thumbnail, and the reuse check
of a new photo against a unit's 1,000 earlier photos and against a region's 100,000.

    .venv/bin/python -m bench.attachments [--photos 10] [--rounds 3] [--earlier 1000] [--region 100000]

Runs on DATABASE_URL when the environment or .env sets it, otherwise on its own SQLite file
(bench/.data/attachments.sqlite3), migrated first; the files go to a temporary folder removed at the end, never to
MEDIA_ROOT. Its rows are marked as synthetic (a city and a district of 示意省, codes 9999xx; a unit ending in (合成);
projects ``SC-ATT-…``) and made again at each run.

- **Upload**: ten JPEGs of 4000 × 3000 pixels and about 4 MB each (a 12-megapixel phone's; a noisy scene, so that
  they compress as photos do), with their EXIF date, posted in one multipart request to
  ``/api/v1/progress-reports/{id}/attachments/`` through REST framework's test client as the reporting unit's liaison:
  the server's time without the network (multipart parsing, the content checks, decoding, thumbnails, hashes, the
  reuse check, storing the files and rows). Each round posts to a new report; the median round is printed, with the
  time per photo.
- **Thumbnail**: ``images.analyse`` of one such photo (decode at reduced size, turn upright, hash, 480-pixel JPEG),
  the median of the photos; and of the same picture as a phone's HEIC, which has no reduced-size decoding.
- **Reuse check**: ``services.earlier_copy`` for a new photo of the unit, after 1,000 earlier photos of the unit's
  reports are written as rows with their hashes directly (not uploaded); then after the region holds 100,000
  (``--region 0`` skips it). Median of 20 checks. On PostgreSQL the plan of the check's query is printed, and the
  same check done by the database (``bit_count`` of the hashes' XOR) is timed beside it for comparison.
"""

import argparse
import datetime
import io
import os
import random
import shutil
import statistics
import sys
import tempfile
import time

from bench.harness import machine, set_up_django

CODE_PREFIX = "SC-ATT-"
# Under the synthetic province 示意省 (990000, as bench.seed --regions makes it), a city and a district of its own.
PROVINCE_CODE, CITY_CODE, REGION_CODE = "990000", "999900", "999901"
UNIT_SUFFIX = "(合成)"
LIAISON = "bench-attachments-liaison"


def noisy_photo(seed: int, size=(4000, 3000)) -> bytes:
    """A scene of ``tests/attachments/pictures.py`` with sensor-like noise, saved as a phone does (about 4 MB)."""
    from PIL import Image

    from tests.attachments import pictures

    noise = Image.merge("RGB", [Image.effect_noise(size, 64) for _ in range(3)])
    image = Image.blend(pictures.scene(seed, size), noise, 0.22)
    exif = Image.Exif()
    exif.get_ifd(pictures.EXIF_IFD)[pictures.DATE_TIME_ORIGINAL] = "2026:03:12 09:30:00"
    out = io.BytesIO()
    image.save(out, "JPEG", quality=87, exif=exif.tobytes())
    return out.getvalue()


def heic_of(content: bytes) -> bytes:
    import pillow_heif
    from PIL import Image

    out = io.BytesIO()
    pillow_heif.from_pillow(Image.open(io.BytesIO(content))).save(out, quality=80)
    return out.getvalue()


def clear():
    from django.db import connection

    from accounts.models import Organization, Region, User
    from attachments.models import Attachment
    from projects.models import Project

    regions = Region.objects.filter(code=REGION_CODE)
    # Straight SQL: a hundred thousand rows through the ORM's delete would each send their signals.
    with connection.cursor() as cursor:
        for model in (Attachment, Attachment.history.model):
            cursor.execute(
                f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)} WHERE region_id IN "
                f"(SELECT id FROM {connection.ops.quote_name(Region._meta.db_table)} WHERE code = %s)",
                [REGION_CODE],
            )
    for project in Project.all_objects.filter(code__startswith=CODE_PREFIX):
        project.progress_reports.all().delete()
        project.delete()
    User.objects.filter(username=LIAISON).delete()
    Organization.all_objects.filter(name__endswith=UNIT_SUFFIX, region__in=regions).delete()
    regions.delete()
    Region.objects.filter(code=CITY_CODE).delete()


def build():
    """A district with a unit, its liaison and a project; a new report per round."""
    from django.contrib.auth.models import Group

    from accounts.choices import OrganizationKind, RegionLevel, Role
    from accounts.models import Organization, Region, User
    from projects.choices import DomainGroup, ProjectStatus, ProjectTier
    from projects.models import Domain, Project

    province, _new = Region.objects.get_or_create(
        code=PROVINCE_CODE, defaults={"name": "示意省", "level": RegionLevel.PROVINCE}
    )
    city = Region.objects.create(name="示意附件市", level=RegionLevel.CITY, code=CITY_CODE, parent=province)
    district = Region.objects.create(name="示意区", level=RegionLevel.COUNTY, code=REGION_CODE, parent=city)
    unit = Organization.objects.create(
        name=f"示意区经信局{UNIT_SUFFIX}", short_name="区经信局", kind=OrganizationKind.DEPARTMENT, region=district
    )
    liaison = User.objects.create(username=LIAISON, organization=unit)
    liaison.groups.add(Group.objects.get(name=Role.LIAISON))
    domain = Domain.objects.order_by("pk").first() or Domain.objects.create(
        code="sc-att", name="合成领域", group=DomainGroup.values[0]
    )
    project = Project.objects.create(
        code=f"{CODE_PREFIX}001",
        name="示意区城市大脑",
        domain=domain,
        tier=ProjectTier.KEY,
        lead_org=unit,
        total_investment=1000,
        planned_start=datetime.date(2026, 1, 1),
        planned_end=datetime.date(2026, 12, 31),
        status=ProjectStatus.IN_PROGRESS,
    )
    return district, liaison, project


def new_report(project, month: int):
    from projects.choices import ReportStatus
    from projects.models import ProgressReport

    return ProgressReport.objects.create(
        project=project,
        period=f"{2000 + month // 12}-{month % 12 + 1:02d}",
        progress=40,
        investment_completed=50,
        summary="完成招投标。",
        status=ReportStatus.SUBMITTED,
    )


def time_uploads(liaison, project, photos: list[bytes], rounds: int) -> list[float]:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(liaison)
    times = []
    for round_ in range(rounds):
        report = new_report(project, 26 * 12 + round_)
        files = [SimpleUploadedFile(f"IMG_{n:04d}.jpg", content) for n, content in enumerate(photos)]
        url = reverse("api:progressreport-attachments", args=[report.pk])
        started = time.perf_counter()
        response = client.post(url, {"file": files}, format="multipart")
        times.append(time.perf_counter() - started)
        if response.status_code != 201:
            raise SystemExit(f"upload answered {response.status_code}: {response.content[:300]!r}")
    return times


def time_thumbnails(photos: list[bytes]) -> list[float]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from attachments import images

    times = []
    for content in photos:
        upload = SimpleUploadedFile("IMG.jpg", content)
        started = time.perf_counter()
        images.analyse(upload)
        times.append(time.perf_counter() - started)
    return times


def seed_photos(district, count: int, *, objects: int, first_object: int, rng: random.Random) -> None:
    """``count`` photo rows with random hashes spread over ``objects`` reports (ids only: the check reads none)."""
    from django.contrib.contenttypes.models import ContentType

    from attachments.choices import AttachmentKind
    from attachments.models import Attachment
    from projects.models import ProgressReport

    report_type = ContentType.objects.get_for_model(ProgressReport)
    batch = []
    for number in range(count):
        batch.append(
            Attachment(
                content_type=report_type,
                object_id=first_object + number % objects,
                region=district,
                kind=AttachmentKind.PHOTO,
                file=f"attachments/bench/{number}.jpg",
                name=f"{number}.jpg",
                media_type="image/jpeg",
                size=4_000_000,
                sha256=f"{number:064x}",
                image_hash=rng.getrandbits(64) - (1 << 63),
            )
        )
        if len(batch) == 5000:
            Attachment.objects.bulk_create(batch)
            batch = []
    Attachment.objects.bulk_create(batch)


def time_reuse_checks(district, report, rng: random.Random, checks=20) -> list[float]:
    from django.contrib.contenttypes.models import ContentType

    from attachments import services
    from attachments.choices import AttachmentKind
    from attachments.models import Attachment

    times = []
    for _ in range(checks):
        new = Attachment(
            content_type=ContentType.objects.get_for_model(type(report)),
            object_id=report.pk,
            region=district,
            kind=AttachmentKind.PHOTO,
            image_hash=rng.getrandbits(64) - (1 << 63),
        )
        started = time.perf_counter()
        services.earlier_copy(new)
        times.append(time.perf_counter() - started)
    return times


def database_check(district, report, rng: random.Random, checks=20) -> tuple[list[float], str]:
    """The same comparison done by PostgreSQL (``bit_count`` of the XOR), and the plan of the product's own query."""
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from accounts.models import Region
    from attachments.models import Attachment

    content_type = ContentType.objects.get_for_model(type(report)).pk
    regions = list(Region.objects.within(district.pk).values_list("pk", flat=True))
    sql = (
        "SELECT id FROM attachments_attachment WHERE image_hash IS NOT NULL AND region_id = ANY(%s) "
        "AND NOT (content_type_id = %s AND object_id = %s) "
        "AND bit_count((image_hash # %s)::bit(64)) <= %s ORDER BY bit_count((image_hash # %s)::bit(64)), id LIMIT 1"
    )
    limit = settings.ATTACHMENTS["REUSE_DISTANCE"]
    times = []
    with connection.cursor() as cursor:
        for _ in range(checks):
            value = rng.getrandbits(64) - (1 << 63)
            started = time.perf_counter()
            cursor.execute(sql, [regions, content_type, report.pk, value, limit, value])
            cursor.fetchall()
            times.append(time.perf_counter() - started)
        query = (
            Attachment.objects.filter(
                image_hash__isnull=False, region__in=Region.objects.within(district.pk).values("pk")
            )
            .exclude(content_type=content_type, object_id=report.pk)
            .values_list("pk", "image_hash")
            .order_by()
        )
        compiled, params = query.query.sql_with_params()
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + compiled, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return times, plan


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=10, help="Photos in the upload request.")
    parser.add_argument("--rounds", type=int, default=3, help="Upload requests timed (each to a new report).")
    parser.add_argument("--earlier", type=int, default=1000, help="The unit's earlier photos for the reuse check.")
    parser.add_argument(
        "--region", type=int, default=100_000, help="The region's photos for the second check; 0: skip."
    )
    parser.add_argument("--no-heic", action="store_true", help="Skip the HEIC thumbnail (its encoding takes a while).")
    options = parser.parse_args()

    media = tempfile.mkdtemp(prefix="bench-attachments-")
    os.environ["MEDIA_ROOT"] = media  # before the settings are read: the files' storage takes it when made
    set_up_django("attachments.sqlite3")
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    print(machine())
    try:
        clear()
        district, liaison, project = build()
        rng = random.Random(2026)

        started = time.perf_counter()
        photos = [noisy_photo(seed) for seed in range(1, options.photos + 1)]
        sizes = [len(content) for content in photos]
        print(
            f"{len(photos)} photos of 4000 × 3000, {statistics.mean(sizes) / 1e6:.2f} MB on average "
            f"({min(sizes) / 1e6:.2f}–{max(sizes) / 1e6:.2f} MB), made in {time.perf_counter() - started:.1f} s"
        )
        uploads = time_uploads(liaison, project, photos, options.rounds)
        upload = statistics.median(uploads)
        thumbnails = time_thumbnails(photos)
        rows = [
            "| measure | median | notes |",
            "|---|---|---|",
            f"| upload of {len(photos)} photos, one API request | {upload:.2f} s | "
            f"{ms(upload / len(photos))} a photo; rounds {', '.join(f'{t:.2f}' for t in uploads)} s |",
            f"| thumbnail of a 4000 × 3000 JPEG (`images.analyse`) | {ms(statistics.median(thumbnails))} | "
            f"{ms(min(thumbnails))}–{ms(max(thumbnails))} |",
        ]
        if not options.no_heic:
            heic = heic_of(photos[0])
            rows.append(
                f"| thumbnail of the same picture as HEIC ({len(heic) / 1e6:.2f} MB) | "
                f"{ms(statistics.median(time_thumbnails([heic] * 3)))} | no reduced-size decoding |"
            )
        report = new_report(project, 26 * 12 + 11)
        seed_photos(district, options.earlier, objects=60, first_object=10_000_000, rng=rng)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE attachments_attachment")
        checks = time_reuse_checks(district, report, rng)
        rows.append(f"| reuse check, {options.earlier:,} earlier photos | {ms(statistics.median(checks))} | |")
        plan = ""
        if options.region:
            seed_photos(district, options.region - options.earlier, objects=5000, first_object=20_000_000, rng=rng)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM ANALYZE attachments_attachment")
            checks = time_reuse_checks(district, report, rng)
            rows.append(f"| reuse check, {options.region:,} photos in the region | {ms(statistics.median(checks))} | |")
            if connection.vendor == "postgresql":
                in_database, plan = database_check(district, report, rng)
                rows.append(
                    f"| the same in PostgreSQL (`bit_count` of the XOR), {options.region:,} photos | "
                    f"{ms(statistics.median(in_database))} | for comparison, not the product's |"
                )
        print()
        print("\n".join(rows))
        if plan:
            print("\nThe check's query at the region's size (EXPLAIN ANALYZE):\n" + plan)
    finally:
        clear()
        shutil.rmtree(media, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
