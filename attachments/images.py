"""What the product reads from a photo: its size, the day it was taken (EXIF), a perceptual hash that survives
re-saving and resizing, and a re-encoded thumbnail that carries none of the original's metadata (no location)."""

import dataclasses
import datetime
import io
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

EXIF_IFD = 0x8769
DATE_TIME_ORIGINAL = 36867
DATE_TIME_DIGITIZED = 36868
DATE_TIME = 306
HASH_MASK = (1 << 64) - 1


@dataclasses.dataclass(frozen=True)
class Photo:
    width: int
    height: int
    image_hash: int  # signed 64-bit, as stored
    taken_at: datetime.datetime | None
    thumbnail: bytes  # JPEG


def difference_hash(image: Image.Image) -> int:
    """dHash: each of 8×8 cells brighter than its right neighbour or not, on a 9×8 grey copy. The same scene
    re-saved at another quality or resized lands within a few bits; another scene lands near 32 bits away."""
    grey = image.convert("L").resize((9, 8), Image.Resampling.LANCZOS)
    pixels = grey.tobytes()
    value = 0
    for row in range(8):
        for column in range(8):
            value = (value << 1) | (pixels[row * 9 + column] > pixels[row * 9 + column + 1])
    return value - (1 << 64) if value >= 1 << 63 else value


def eight_bit(image: Image.Image) -> Image.Image:
    """A 16-bit grey picture (as some scanners write PNGs) scaled to 8 bits: converted straight it clips to white,
    every such picture then hashing alike and flagged as reused, its thumbnail blank."""
    if image.mode == "I" or image.mode.startswith("I;16"):
        return image.convert("I").point(lambda value: value / 256).convert("L")
    return image


def distance(first: int, second: int) -> int:
    """How many of the 64 bits differ between two hashes."""
    return ((first ^ second) & HASH_MASK).bit_count()


def taken_at(image: Image.Image) -> datetime.datetime | None:
    """The moment the camera recorded, read as local time; ``None`` when the photo carries none or nonsense."""
    try:
        exif = image.getexif()
        details = exif.get_ifd(EXIF_IFD)
    except Exception:  # a damaged EXIF block leaves the date unknown; the picture itself decoded
        return None
    for value in (details.get(DATE_TIME_ORIGINAL), details.get(DATE_TIME_DIGITIZED), exif.get(DATE_TIME)):
        if not isinstance(value, str):
            continue
        try:
            moment = datetime.datetime.strptime(value.strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")
        except ValueError:
            continue
        if not 1990 <= moment.year <= timezone.localdate().year + 1:
            continue
        return timezone.make_aware(moment)
    return None


def analyse(upload) -> Photo:
    """Decode a photo once, within the pixel limit, or refuse it as damaged or too large."""
    limit = settings.ATTACHMENTS["MAX_IMAGE_PIXELS"]
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload)
            width, height = image.size
            if width * height > limit:
                raise ValidationError(
                    _(
                        "The picture is %(width)s × %(height)s pixels; pictures of at most %(limit)s million pixels "
                        "are accepted."
                    )
                    % {"width": width, "height": height, "limit": limit // 1_000_000},
                    code="file",
                )
            moment = taken_at(image)
            size = settings.ATTACHMENTS["THUMBNAIL_PIXELS"]
            # A JPEG decodes straight to a fraction of its size: the thumbnail needs no more.
            image.draft("RGB", (size * 2, size * 2))
            image = ImageOps.exif_transpose(image)
            image.load()
            image = eight_bit(image)
            image_hash = difference_hash(image)
            image = image.convert("RGB")
            image.thumbnail((size, size), Image.Resampling.LANCZOS)
            thumbnail = io.BytesIO()
            image.save(thumbnail, "JPEG", quality=82, optimize=True)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _("The picture would unpack to more than %(limit)s million pixels.") % {"limit": limit // 1_000_000},
            code="file",
        ) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError, MemoryError, RuntimeError):
        raise ValidationError(_("The picture is damaged and cannot be opened."), code="file") from None
    finally:
        upload.seek(0)
    return Photo(width, height, image_hash, moment, thumbnail.getvalue())
