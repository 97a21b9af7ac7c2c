"""The permission table's rows for the attachments: the files of reports, milestones and projects as pages and API.

Reading a file is reading its object (404 where the object is not the user's to read); adding and removing is its
unit's (and the office's) while the object takes files: the report here is submitted, not yet approved."""

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from attachments.models import Attachment
from tests.attachments import pictures
from tests.permissions.table import (
    API_NO_METHOD,
    API_READ,
    MISSING,
    NO_METHOD,
    OFFICE_405,
    READ,
    UNITS_405,
    api,
    exists,
    gone,
    page,
)

# A method a route does not take answers 405 to a role holding the model permission it stands for, else 403 (table).
# Only a photo has a thumbnail; a document's answers 404 to everyone who reads the project.
NOT_FOUND = "LOGIN 404 404 404 404 404"
API_NOT_FOUND = "401 404 404 404 404 404"
UNITS_WRITE = "LOGIN 302 302 403 403 403"
API_UNITS_WRITE = "401 201 201 403 403 403"


def upload_url(obj_attr):
    def url(w):
        obj = getattr(w, obj_attr)
        return reverse("attachment-upload", args=[ContentType.objects.get_for_model(type(obj)).pk, obj.pk])

    return url


def new_photo(w):
    return {"file": pictures.photo(41, name="新照片.jpg")}


def new_approval(w):
    return {
        "file": pictures.pdf(name="新批复.pdf"),
        "kind": "approval",
        "number": "镇发改〔2026〕9号",
        "issued_on": "2026-02-01",
    }


ATTACHMENT_PAGES = [
    page("attachment-download", obj="photo", GET=READ),
    page("attachment-download", "document", obj="document", GET=READ),
    page("attachment-download", "missing", kwargs={"pk": MISSING}, GET=NOT_FOUND),
    page("attachment-thumbnail", obj="photo", GET=READ),
    page("attachment-thumbnail", "document", obj="document", GET=NOT_FOUND),
    page(
        "attachment-remove",
        obj="photo",
        GET=NO_METHOD,
        POST=UNITS_WRITE,
        done=gone(Attachment, "photo"),
    ),
    page(
        "attachment-upload",
        "report",
        path=upload_url("report"),
        GET=NO_METHOD,
        POST=UNITS_WRITE,
        data=new_photo,
        done=exists(Attachment, name="新照片.jpg"),
    ),
    page(
        "attachment-upload",
        "project",
        path=upload_url("own_project"),
        GET=NO_METHOD,
        POST=UNITS_WRITE,
        data=new_approval,
        done=exists(Attachment, name="新批复.pdf"),
    ),
]

ATTACHMENT_API = [
    api(
        "attachment-detail",
        obj="photo",
        GET=API_READ,
        POST=API_NO_METHOD,
        PUT=API_NO_METHOD,
        PATCH=API_NO_METHOD,
        DELETE="401 204 204 403 403 403",
    ),
    api(
        "attachment-detail",
        "missing",
        kwargs={"pk": MISSING},
        GET=API_NOT_FOUND,
        POST=API_NO_METHOD,
        PUT=API_NO_METHOD,
        PATCH=API_NO_METHOD,
        DELETE=API_NOT_FOUND,
    ),
    api(
        "attachment-download",
        obj="photo",
        GET=API_READ,
        POST=API_NO_METHOD,
        PUT=API_NO_METHOD,
        PATCH=API_NO_METHOD,
        DELETE=API_NO_METHOD,
    ),
    api(
        "attachment-thumbnail",
        obj="photo",
        GET=API_READ,
        POST=API_NO_METHOD,
        PUT=API_NO_METHOD,
        PATCH=API_NO_METHOD,
        DELETE=API_NO_METHOD,
    ),
    api(
        "progressreport-attachments",
        obj="report",
        multipart=True,
        data=new_photo,
        done=exists(Attachment, name="新照片.jpg"),
        GET=API_READ,
        POST=API_UNITS_WRITE,
        PUT=UNITS_405,
        PATCH=UNITS_405,
        DELETE=OFFICE_405,
    ),
    api(
        "milestone-attachments",
        obj="own_milestone",
        multipart=True,
        data=new_photo,
        done=exists(Attachment, name="新照片.jpg"),
        GET=API_READ,
        POST=API_UNITS_WRITE,
        PUT=UNITS_405,
        PATCH=UNITS_405,
        DELETE=UNITS_405,
    ),
    api(
        "project-attachments",
        obj="own_project",
        multipart=True,
        data=new_approval,
        done=exists(Attachment, name="新批复.pdf"),
        GET=API_READ,
        POST=API_UNITS_WRITE,
        PUT=UNITS_405,
        PATCH=UNITS_405,
        DELETE=OFFICE_405,
    ),
]
