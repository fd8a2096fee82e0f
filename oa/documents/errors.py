"""Why an uploaded file is refused (errors are enums, STYLE.md).

`FileRefused` is an `ActionError`, so the API's handler answers it as `{code, detail, field}`
like every other refusal; the frontend maps the codes to its own texts.
"""

from __future__ import annotations

from enum import StrEnum

from oa.core.errors import ActionError


class FileErrorCode(StrEnum):
    EMPTY_FILE = "empty_file"
    TOO_LARGE = "too_large"
    UNSUPPORTED_TYPE = "unsupported_type"
    # The name's extension says one kind, the content is another (or an unknown extension).
    TYPE_MISMATCH = "type_mismatch"
    CORRUPT_FILE = "corrupt_file"
    # Needs a password to open: we could neither check nor index it.
    ENCRYPTED = "encrypted"
    # Declared or actual uncompressed sizes, ratios, member counts or nesting past the limits.
    ZIP_BOMB = "zip_bomb"
    # Member names that would escape a folder (../, absolute, drive letters), duplicates, links.
    UNSAFE_ARCHIVE = "unsafe_archive"
    # Macros (VBA), remote templates, PDF JavaScript: content that runs or fetches when opened.
    ACTIVE_CONTENT = "active_content"


class FileRefused(ActionError):
    """An upload refused by `inspect_upload`; `detail` names the file and says why, in Chinese."""

    def __init__(self, code: FileErrorCode, detail: str, *, field: str | None = "file"):
        # ActionError is typed with oa.core's ErrorCode; both are StrEnums and the API renders
        # `str(code)`, so file codes live here with the module that owns them.
        super().__init__(code, detail, field=field, status=413 if code == FileErrorCode.TOO_LARGE else 400)  # type: ignore[arg-type]


class ContentRefused(Exception):
    """Raised inside the checks, which do not know the file's display name.

    `reason` is a Chinese clause that `inspect_upload` completes into the message
    ("文件“通知.docx”" + reason).
    """

    def __init__(self, code: FileErrorCode, reason: str):
        super().__init__(reason)
        self.code = code
        self.reason = reason
