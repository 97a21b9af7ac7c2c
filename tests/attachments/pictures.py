"""Photo-like test pictures made on the spot: a scene per seed (smooth colour fields with detail, as a site photo
has), saved as a phone would, with or without the EXIF date."""

import datetime
import functools
import hashlib
import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFilter

DATE_TIME_ORIGINAL = 36867
EXIF_IFD = 0x8769


def scene(seed: int, size=(1600, 1200)) -> Image.Image:
    """The scene of ``seed``: a copy, so that a test may change it."""
    return _scene(seed, tuple(size)).copy()


# Drawing and blurring a scene takes a tenth of a second, and hundreds of uploads use the same few seeds.
@functools.lru_cache(maxsize=16)  # 6 MB each
def _scene(seed: int, size: tuple[int, int]) -> Image.Image:
    rng = random.Random(seed)
    coarse = Image.new("RGB", (8, 6))
    coarse.putdata([tuple(rng.randrange(256) for _ in range(3)) for _ in range(48)])
    image = coarse.resize(size, Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(image)
    for _ in range(40):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        w, h = rng.randrange(20, size[0] // 4), rng.randrange(20, size[1] // 4)
        draw.rectangle((x, y, x + w, y + h), fill=tuple(rng.randrange(256) for _ in range(3)))
    return image.filter(ImageFilter.GaussianBlur(2))


def jpeg(image: Image.Image, *, quality=92, taken: datetime.datetime | None = None, gps=False) -> bytes:
    exif = Image.Exif()
    if taken is not None:
        exif.get_ifd(EXIF_IFD)[DATE_TIME_ORIGINAL] = taken.strftime("%Y:%m:%d %H:%M:%S")
    if gps:
        exif[0x8825] = {1: "N", 2: (29.0, 57.0, 12.5), 3: "E", 4: (121.0, 42.0, 3.25)}
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, exif=exif.tobytes())
    return out.getvalue()


def photo(seed=1, *, name="现场照片.jpg", quality=92, taken=None, size=(1600, 1200), gps=False) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg(scene(seed, size), quality=quality, taken=taken, gps=gps), "image/jpeg")


def resaved(seed=1, *, name="转发.jpg", scale=0.5, quality=55) -> SimpleUploadedFile:
    """The same picture as ``photo(seed)``, smaller and re-compressed, as a messenger forwards it (no EXIF)."""
    image = scene(seed)
    image = image.resize((int(image.width * scale), int(image.height * scale)), Image.Resampling.BILINEAR)
    return SimpleUploadedFile(name, jpeg(image, quality=quality), "image/jpeg")


def png(seed=2, name="截图.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    scene(seed, (800, 600)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), "image/png")


def pdf(name="立项批复.pdf", text="甬发改审批〔2026〕12号") -> SimpleUploadedFile:
    """A one-page PDF as a scanner or a word processor writes it."""
    page = Image.new("RGB", (595, 842), "white")
    # A mark of its own per name and text: two documents differ even when made within the same second (otherwise only
    # the PDF's creation date, to the second, tells them apart, and an upload of the same content is refused).
    mark = hashlib.sha256(f"{name}{text}".encode()).digest()
    ImageDraw.Draw(page).rectangle((40, 40, 120, 60), fill=tuple(mark[:3]))
    out = io.BytesIO()
    page.save(out, "PDF", resolution=72)
    return SimpleUploadedFile(name, out.getvalue(), "application/pdf")
