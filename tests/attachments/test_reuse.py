"""A photo reused from an earlier report is caught across the region's units (the same picture re-saved at another
quality and resized too) and nowhere else; its date comes from its EXIF and an old one is flagged beside the report's
month; what the site shows of a photo (its thumbnail) carries none of its metadata and stands the right way up."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.utils import timezone
from PIL import Image

from attachments import images, services
from attachments.models import Attachment

from . import pictures, world

pytestmark = pytest.mark.django_db

ORIENTATION = 0x0112


@pytest.fixture
def w():
    return world.build()


def attach(user, obj, *files) -> list[Attachment]:
    return services.attach(actor=user, obj=obj, files=list(files))


def panel(user, obj) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load attachments %}{% attachment_panel obj %}").render(
        Context({"request": request, "obj": obj})
    )


def test_the_same_picture_resaved_and_resized_by_another_unit_of_the_region_is_caught(w):
    (earlier,) = attach(w.liaison, w.report, pictures.photo(7))
    reused, fresh = attach(w.water_liaison, w.water_report, pictures.resaved(7), pictures.photo(8, name="新场景.jpg"))
    assert reused.reused_from == earlier
    assert images.distance(reused.image_hash, earlier.image_hash) <= 10
    assert fresh.reused_from is None
    # The water unit's own office reviews the report: it sees where the picture was before.
    shown = panel(w.zhenhai_office, w.water_report)
    assert "attachment-reused" in shown
    assert (
        f"与{w.zhenhai_project} 2026-03 月报中的照片相同（{timezone.localdate(earlier.uploaded_at):%Y-%m-%d} 上传）"
        in shown
    )
    assert shown.count("attachment-reused") == 1


@pytest.mark.parametrize("scale, quality", [(1.0, 40), (0.25, 70), (0.5, 55), (0.8, 95)])
def test_every_common_resave_is_caught(w, scale, quality):
    (earlier,) = attach(w.liaison, w.report, pictures.photo(11))
    (again,) = attach(w.water_liaison, w.water_report, pictures.resaved(11, scale=scale, quality=quality))
    assert again.reused_from == earlier


def test_different_scenes_are_not_flagged(w):
    attach(w.liaison, w.report, *(pictures.photo(seed, name=f"{seed}.jpg") for seed in range(30, 40)))
    later = attach(
        w.water_liaison, w.water_report, *(pictures.photo(seed, name=f"{seed}.jpg") for seed in range(40, 50))
    )
    assert [photo.reused_from for photo in later] == [None] * 10


def test_the_comparison_stays_within_the_region_and_those_below(w):
    attach(w.liaison, w.report, pictures.photo(12))
    # A sibling district and another province compare with their own photos only.
    (xiangshan,) = attach(w.xiangshan_liaison, w.xiangshan_report, pictures.resaved(12))
    (dongguan,) = attach(w.dongguan_liaison, w.dongguan_report, pictures.resaved(12))
    assert xiangshan.reused_from is None and dongguan.reused_from is None
    # The city compares with its districts' photos, which its office reads; a district not with the city's.
    city_report = world.report(w.city_project)
    (city,) = attach(w.city_office, city_report, pictures.resaved(12, scale=0.7, quality=60))
    assert city.reused_from.object_id == w.report.pk
    (district,) = attach(w.liaison, world.report(w.zhenhai_project, "2026-04"), pictures.photo(13))
    (city_later,) = attach(w.city_office, world.report(w.city_project, "2026-05"), pictures.photo(14))
    assert district.reused_from is None and city_later.reused_from is None
    (zhenhai_after_city,) = attach(w.water_liaison, w.water_report, pictures.resaved(14))
    assert zhenhai_after_city.reused_from is None


def test_photos_of_one_report_are_not_flagged_against_each_other(w):
    first, second = attach(w.liaison, w.report, pictures.photo(15), pictures.resaved(15))
    (third,) = attach(w.liaison, w.report, pictures.resaved(15, name="再转发.jpg", scale=0.3, quality=50))
    assert [first.reused_from, second.reused_from, third.reused_from] == [None, None, None]
    assert "attachment-reused" not in panel(w.liaison, w.report)


def test_the_exif_date_is_read_and_an_old_photo_is_flagged_beside_the_month(w):
    recent, old, undated = attach(
        w.liaison,
        w.report,
        pictures.photo(16, name="本月.jpg", taken=datetime.datetime(2026, 3, 12, 9, 30)),
        pictures.photo(17, name="去年.jpg", taken=datetime.datetime(2025, 11, 20, 15, 0)),
        pictures.photo(18, name="转发.jpg"),
    )
    assert recent.taken_at.isoformat().startswith("2026-03-12T09:30:00")
    assert old.taken_at.date() == datetime.date(2025, 11, 20)
    assert undated.taken_at is None
    start = datetime.date(2026, 3, 1)
    assert [photo.taken_long_before(start) for photo in (recent, old, undated)] == [False, True, False]
    shown = panel(w.zhenhai_office, w.report)
    assert shown.count("attachment-stale") == 1
    assert "拍摄时间远早于报告期（2026-03-01）" in shown
    assert "拍摄时间：2026-03-12" in shown and "拍摄时间：2025-11-20" in shown and "拍摄时间：未知" in shown


@pytest.mark.parametrize("value", ["0000:00:00 00:00:00", "2099:01:01 00:00:00", "not a date", "2026:02:30 10:00:00"])
def test_a_nonsense_exif_date_is_unknown_not_flagged(w, value):
    exif = Image.Exif()
    exif.get_ifd(pictures.EXIF_IFD)[pictures.DATE_TIME_ORIGINAL] = value
    out = io.BytesIO()
    pictures.scene(19).save(out, "JPEG", exif=exif.tobytes())
    (photo,) = attach(w.liaison, w.report, SimpleUploadedFile("相机.jpg", out.getvalue()))
    assert photo.taken_at is None and not photo.taken_long_before(datetime.date(2026, 3, 1))


def test_the_thumbnail_carries_no_exif_and_no_location(w):
    (photo,) = attach(w.liaison, w.report, pictures.photo(20, taken=datetime.datetime(2026, 3, 2), gps=True))
    original = Image.open(photo.file.path)
    assert original.getexif().get_ifd(0x8825)  # the upload itself had the location
    client = Client()
    client.force_login(w.water_liaison)
    for url in (photo.thumbnail_url, f"/api/v1/attachments/{photo.pk}/thumbnail/"):
        response = client.get(url)
        body = b"".join(response.streaming_content)
        thumbnail = Image.open(io.BytesIO(body))
        assert thumbnail.format == "JPEG" and dict(thumbnail.getexif()) == {}
        assert b"Exif" not in body and b"GPS" not in body and "xmp" not in thumbnail.info
    listed = client.get(world.api_url(w.report)).json()
    assert not any("gps" in key.lower() or "exif" in key.lower() for key in listed[0])


def test_the_exif_orientation_turns_the_thumbnail_upright(w):
    # A phone held upright saves the sensor's landscape pixels with orientation 6 (turn 90° clockwise).
    upright = pictures.scene(21, (1200, 1600))
    sideways = upright.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    out = io.BytesIO()
    sideways.save(out, "JPEG", quality=92, exif=exif.tobytes())
    (photo,) = attach(w.liaison, w.report, SimpleUploadedFile("竖拍.jpg", out.getvalue()))
    thumbnail = Image.open(photo.thumbnail.path)
    assert thumbnail.size == (360, 480)
    assert images.distance(photo.image_hash, images.difference_hash(upright)) <= 4
    # The same picture sent upright without the tag (as a messenger re-saves it) is the same photo.
    (forwarded,) = attach(w.water_liaison, w.water_report, pictures.photo(21, size=(1200, 1600), quality=60))
    assert forwarded.reused_from == photo


def png16(seed: int, name: str) -> SimpleUploadedFile:
    """The scene as a 16-bit grey PNG, as some scanners save."""
    grey = pictures.scene(seed).convert("L").convert("I").point(lambda value: value * 257).convert("I;16")
    out = io.BytesIO()
    grey.save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue())


def test_sixteen_bit_pictures_are_told_apart_and_thumbnailed(w):
    # Converted straight to 8 bits they clipped to white: all alike (3 bits apart) and so all "reused".
    (first,) = attach(w.liaison, w.report, png16(23, "扫描1.png"))
    (second,) = attach(w.water_liaison, w.water_report, png16(24, "扫描2.png"))
    assert second.reused_from is None
    assert images.distance(first.image_hash, second.image_hash) > 10
    assert Image.open(first.thumbnail.path).getextrema()[0][1] < 250
    (same,) = attach(w.water_liaison, world.report(w.water_project, "2026-04"), pictures.photo(23, name="彩色.jpg"))
    assert same.reused_from == first
