"""Files leave only through these views, after the same permission and region rule as their object; production may
hand the transfer to the reverse proxy (``ATTACHMENTS["SENDFILE_HEADER"]``) once the check has passed."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from common.downloads import send_file
from common.exceptions import ActionForbidden

from . import selectors, services
from .forms import AttachmentForm
from .registry import target_for


class DownloadView(View):
    """The file as uploaded, under its original (sanitised) name. Photos open in the browser; documents download."""

    def get(self, request, pk):
        attachment, _parent = selectors.readable_attachment(request.user, pk)
        inline = attachment.is_image and request.GET.get("inline") == "1"
        return send_file(
            attachment.file,
            as_attachment=not inline,
            filename=attachment.name,
            content_type=attachment.media_type,
        )


class ThumbnailView(View):
    """The re-encoded thumbnail of a photo: no EXIF, so no location."""

    def get(self, request, pk):
        attachment, _parent = selectors.readable_attachment(request.user, pk)
        if not attachment.thumbnail:
            return HttpResponse(status=404)
        return send_file(
            attachment.thumbnail,
            as_attachment=False,
            filename=attachment.name.rsplit(".", 1)[0] + ".jpg",
            content_type="image/jpeg",
        )


def wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def skipped_message(request) -> str:
    names = getattr(request, "skipped_uploads", [])
    if not names:
        return ""
    return _("%(names)s: larger than %(limit)s, the most a file may be; nothing was stored.") % {
        "names": "、".join(names[:5]),
        "limit": filesizeformat(settings.ATTACHMENTS["MAX_FILE_BYTES"]),
    }


class UploadView(View):
    """Files added from a page: several at once (the page shows their progress), with a kind and, for documents, their
    number and date. Answers JSON to the page's script, or goes back to the page."""

    http_method_names = ["post"]

    def post(self, request, content_type, object_id):
        obj = selectors.readable_object(request.user, content_type, object_id)
        target = target_for(obj)
        form = AttachmentForm(request.POST, target=target)
        error = skipped_message(request)
        added = []
        if not error:
            try:
                # Who may add comes before what was sent: a refused user learns nothing about the form.
                if not target.may_add(request.user, obj):
                    services.refuse_actor(obj)
                if not form.is_valid():
                    raise ValidationError([str(message) for message in form.errors.values() for message in message])
                added = services.attach(
                    actor=request.user, obj=obj, files=request.FILES.getlist("file"), **form.cleaned_data
                )
            except ValidationError as refusal:
                error = " ".join(refusal.messages)
            except ActionForbidden as refusal:
                if wants_json(request):  # the page's script shows the reason beside the form
                    return JsonResponse({"error": str(refusal.message)}, status=403)
                raise PermissionDenied(refusal.message) from None
        if wants_json(request):
            if error:
                return JsonResponse({"error": error}, status=400)
            return JsonResponse({"added": [attachment.pk for attachment in added]}, status=201)
        if error:
            messages.error(request, error)
        else:
            messages.success(request, _("%(count)s file(s) added.") % {"count": len(added)})
        return back(request, obj)


class RemoveView(View):
    http_method_names = ["post"]

    def post(self, request, pk):
        attachment, parent = selectors.readable_attachment(request.user, pk)
        try:
            services.remove(actor=request.user, attachment=attachment)
        except ActionForbidden as refusal:
            raise PermissionDenied(refusal.message) from None
        messages.success(request, _("%(name)s removed.") % {"name": attachment.name})
        return back(request, parent)


def back(request, obj):
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = obj.get_absolute_url()
    return HttpResponseRedirect(target)
