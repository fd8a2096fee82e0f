"""Upload size limits applied while the body streams in (issue 19 item 4).

LimitedUploadHandler is the first of FILE_UPLOAD_HANDLERS, so it sees every multipart body,
whether DRF's parser or Django's request.POST (the CSRF check) reads it first. Each file may
hold at most the operation's limit: the view's `upload_max_bytes` (a number, or a callable for a
setting read at request time), else settings.OA_UPLOAD_MAX_BYTES (10 MB). The file that passes
the limit stops the upload at that chunk: nothing past it is read, nothing is kept, and the
answer is a 413 in the API's error format naming the form field.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler

from api.parsers import too_large


def upload_limit(request) -> int:
    match = getattr(request, "resolver_match", None)
    view = getattr(match.func, "cls", None) if match is not None else None
    limit = getattr(view, "upload_max_bytes", None)
    if callable(limit):
        limit = limit()
    return int(limit) if limit is not None else settings.OA_UPLOAD_MAX_BYTES


class LimitedUploadHandler(FileUploadHandler):
    def __init__(self, request=None):
        super().__init__(request)
        self.limit = upload_limit(request) if request is not None else settings.OA_UPLOAD_MAX_BYTES
        self.received = 0

    def new_file(self, field_name, *args, **kwargs):
        super().new_file(field_name, *args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            raise too_large(self.limit, field=self.field_name)
        return raw_data

    def file_complete(self, file_size):
        return None
