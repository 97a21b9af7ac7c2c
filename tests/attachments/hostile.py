"""Files made to be refused, built on the spot and small: programs under a photo's name, documents that lie about
their type, damaged ones, and bombs that are a few hundred KB on the wire and gigabytes once opened."""

import io
import struct
import zipfile
import zlib

import pillow_heif
from PIL import Image
from pypdf import PdfReader, PdfWriter

from . import pictures

ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(8) + b"\x02\x00\x3e\x00" + bytes(2000)
# A Windows program begins with the DOS header and its stub's sentence.
PE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(50) + b"This program cannot be run in DOS mode.\r\r\n$" + bytes(2000)


def jpeg_bytes(seed=1, **options) -> bytes:
    return pictures.photo(seed, **options).read()


def pdf_bytes() -> bytes:
    return pictures.pdf().read()


def png_bomb(width=30000, height=30000) -> bytes:
    """A one-colour greyscale PNG of ``width`` × ``height`` pixels: about 110 KB that would decode to 900 MB."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    compressor = zlib.compressobj(9)
    row = bytes(1 + (width + 7) // 8)
    body = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def jpeg_claiming(width: int, height: int) -> bytes:
    """A small JPEG whose frame header claims ``width`` × ``height``."""
    data = bytearray(jpeg_bytes(4, size=(160, 120)))
    frame = data.index(b"\xff\xc0")
    data[frame + 5 : frame + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def zipped(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def ofd_bomb() -> bytes:
    """An OFD package (its ``OFD.xml`` present) with a member of 50 MB of zeros: about 50 KB packed."""
    return zipped({"OFD.xml": b"<ofd:OFD/>", "Doc_0/Res/image.bin": bytes(50_000_000)})


def docx_bomb() -> bytes:
    return zipped(
        {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document>" + b" " * 50_000_000 + b"</w>"}
    )


def docx(text=b"<w:document/>") -> bytes:
    return zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": text})


def encrypted_pdf(user_password="secret", owner_password=None) -> bytes:
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(pdf_bytes())))
    writer.encrypt(user_password=user_password, owner_password=owner_password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def heic_bytes(seed=3, *, taken=None, size=(800, 600), quality=80) -> bytes:
    """A phone's HEIC: the scene of ``pictures.scene(seed)`` with its EXIF date."""
    image = pictures.scene(seed, size)
    if taken is not None:
        exif = Image.Exif()
        exif.get_ifd(pictures.EXIF_IFD)[pictures.DATE_TIME_ORIGINAL] = taken.strftime("%Y:%m:%d %H:%M:%S")
        image.info["exif"] = exif.tobytes()
    out = io.BytesIO()
    pillow_heif.from_pillow(image).save(out, quality=quality)
    return out.getvalue()


def handmade_pdf(encrypt: bytes | None = None) -> bytes:
    """A one-page PDF written by hand, optionally with ``encrypt`` as its /Encrypt dictionary."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    if encrypt:
        objects.append(encrypt)
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    trailer = b"<< /Size %d /Root 1 0 R" % (len(objects) + 1)
    if encrypt:
        trailer += b" /Encrypt 4 0 R /ID [<%s> <%s>]" % (b"00" * 16, b"00" * 16)
    out += b"trailer\n" + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _hex(count: int) -> bytes:
    return b"<" + b"ab" * count + b">"


# AES-256 (PDF 2.0's standard security handler, revision 6), as Acrobat and WPS write a protected PDF today.
AES_256 = (
    b"<< /Filter /Standard /V 5 /R 6 /Length 256 /P -1028 /O "
    + _hex(48)
    + b" /U "
    + _hex(48)
    + b" /OE "
    + _hex(32)
    + b" /UE "
    + _hex(32)
    + b" /Perms "
    + _hex(16)
    + b" /CF << /StdCF << /AuthEvent /DocOpen /CFM /AESV3 /Length 32 >> >> /StmF /StdCF /StrF /StdCF >>"
)
# Encrypted for the holders of certain certificates (public-key security), as some document systems send.
CERTIFICATE = b"<< /Filter /Adobe.PubSec /SubFilter /adbe.pkcs7.s5 /V 4 /R 4 /Length 128 /Recipients [<00>] >>"
