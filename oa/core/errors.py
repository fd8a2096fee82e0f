"""Error codes (errors are enums, STYLE.md). The API maps ActionError to {code, detail, field}."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    INVALID = "invalid"
    REQUIRED = "required"
    NOT_FOUND = "not_found"
    PERMISSION_DENIED = "permission_denied"
    NOT_AUTHENTICATED = "not_authenticated"
    INVALID_CREDENTIALS = "invalid_credentials"
    ACCOUNT_LOCKED = "account_locked"
    ACCOUNT_DISABLED = "account_disabled"
    UNIT_SUSPENDED = "unit_suspended"
    WEAK_PASSWORD = "weak_password"  # noqa: S105 (an error code)
    WRONG_PASSWORD = "wrong_password"  # noqa: S105
    DUPLICATE = "duplicate"
    RESERVED = "reserved"
    CONFIRMATION_MISMATCH = "confirmation_mismatch"
    IN_USE = "in_use"
    CYCLE = "cycle"
    IMPORT_INVALID = "import_invalid"
    FILE_INVALID = "file_invalid"
    ROLE_CONFLICT = "role_conflict"
    SEPARATION_OF_DUTIES = "separation_of_duties"
    STATE = "invalid_state"
    TEMPLATE_INVALID = "template_invalid"
    MERGE_CONFLICT = "merge_conflict"
    BPMN_INVALID = "bpmn_invalid"
    NO_ASSIGNEE = "no_assignee"
    THROTTLED = "throttled"
    TOO_LARGE = "too_large"
    TOO_DEEP = "too_deep"
    # 办文 (oa/documents)
    MISSING_ELEMENT = "missing_element"
    CLASSIFICATION_TOO_HIGH = "classification_too_high"
    NUMBERING_INCOMPLETE = "numbering_incomplete"
    NUMBER_COLLISION = "number_collision"
    ARCHIVED = "archived"
    # 档案 (oa/archive)
    LOAN_EXPIRED = "loan_expired"
    NO_DECISION = "no_decision"
    PACKAGE_INVALID = "package_invalid"
    # 信息发布 (oa/notices)
    EXPIRED = "expired"
    RETRACTED = "retracted"


class ActionError(Exception):
    """A refusal from an action: nothing has been written when it is raised."""

    status = 400

    def __init__(
        self,
        code: ErrorCode,
        detail: str,
        *,
        field: str | None = None,
        errors: list[dict] | None = None,
        status: int | None = None,
    ):
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.field = field
        self.errors = errors or []
        if status is not None:
            self.status = status
