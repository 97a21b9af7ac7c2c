"""Bounds that hold while a request's files arrive, before any view runs: a file over the limit is skipped as it
streams (never written out whole), and the view tells the user which one."""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile


class BoundedUploadHandler(FileUploadHandler):
    """First of ``FILE_UPLOAD_HANDLERS``: counts each file's bytes and skips it once it passes
    ``FILE_UPLOAD_MAX_BYTES``; the names of skipped files are left in ``request.skipped_uploads``."""

    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, file_name, *args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.FILE_UPLOAD_MAX_BYTES:
            skipped = getattr(self.request, "skipped_uploads", [])
            skipped.append(self.file_name)
            self.request.skipped_uploads = skipped
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size):
        return None
