"""The reply letter as a PDF, made on the server when a reply is issued (``services.replies``), so that the record
holds the letter as it went out.

It is the print page's letter (``ReplyLetterView``): the same template include, the same stylesheets
(static/css/letter.css and the fonts of /css/letter-fonts.css) laid out by WeasyPrint for print. Every address the
page names is answered from disk by ``LetterAssets``; nothing is fetched from the network, and an address that is not
one of the app's own stylesheets stops the rendering rather than giving a letter without its layout.
"""

import posixpath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import render_to_string
from django.urls import reverse
from PIL import ImageFile
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from common.views import letter_fonts_css

# Importing WeasyPrint makes Pillow accept truncated images process-wide; the letters carry no picture, and the
# attachments' check of uploaded photos must go on refusing a photo cut in half (tests/attachments/test_refusals.py).
ImageFile.LOAD_TRUNCATED_IMAGES = False

# The page's base address: a name that cannot resolve (RFC 2606), answered by ``LetterAssets`` only.
BASE_URL = "https://letter.invalid/"


def static_file(name: str) -> str | None:
    """The file of a static name as ``{% static %}`` wrote it: collected (hashed names in production) or, before
    collectstatic, where the finders find it."""
    name = posixpath.normpath(unquote(name)).lstrip("/")
    if name.startswith("..") or not name:
        return None
    try:
        if staticfiles_storage.exists(name):
            return staticfiles_storage.path(name)
    except NotImplementedError:  # a remote storage: read the checkout's copy
        pass
    found = finders.find(name)
    return found if isinstance(found, str) else None


class LetterAssets(URLFetcher):
    """The letter's stylesheets from disk: ``/static/…`` and ``/css/letter-fonts.css``, nothing else."""

    def __init__(self):
        super().__init__(allowed_protocols=("https",), fail_on_errors=True)

    def fetch(self, url, headers=None):
        if not url.startswith(BASE_URL):
            raise ValueError(f"The letter names an address outside the app: {url}")
        path = urlsplit(url).path
        if path == reverse("letter-fonts"):
            return URLFetcherResponse(url, letter_fonts_css(), {"Content-Type": "text/css"})
        static_prefix = urlsplit(settings.STATIC_URL).path
        found = static_file(path.removeprefix(static_prefix)) if path.startswith(static_prefix) else None
        if found is None:
            raise ValueError(f"The letter names a file the app does not have: {url}")
        content_type = "text/css" if found.endswith(".css") else "application/octet-stream"
        with open(found, "rb") as source:
            return URLFetcherResponse(url, source.read(), {"Content-Type": content_type})


def letter_html(reply) -> str:
    addressees = [signature.proposer for signature in reply.proposal.ordered_signatures]
    return render_to_string("proposals/reply_letter_pdf.html", {"reply": reply, "addressees": addressees})


def reply_letter_pdf(reply) -> bytes:
    """The letter of ``reply`` as an A4 PDF in the 公文 layout of the print page."""
    return HTML(string=letter_html(reply), base_url=BASE_URL, url_fetcher=LetterAssets()).write_pdf()
