"""Bulk provisioning from a CSV of units (批量开通): checked whole before anything is created."""

from __future__ import annotations

import csv
import io

from django.contrib.auth import get_user_model

from oa.core.actions import check_password_policy
from oa.core.errors import ActionError, ErrorCode
from tenants.actions import validate_unit_code, validate_unit_fields
from tenants.models import Unit

COLUMNS = ("code", "name", "kind", "admin_username", "admin_display_name", "admin_password")
HEADER_ALIASES = {
    "代码": "code",
    "单位代码": "code",
    "名称": "name",
    "单位名称": "name",
    "类型": "kind",
    "管理员账号": "admin_username",
    "管理员姓名": "admin_display_name",
    "管理员密码": "admin_password",
}
MAX_ROWS = 2000


def parse_units_csv(data: bytes) -> list[dict]:
    """Rows of units to provision, or ActionError(import_invalid) listing every bad row."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ActionError(
            ErrorCode.FILE_INVALID, "CSV 文件编码无法识别（请使用 UTF-8 或 GBK）。", field="file"
        )
    rows = [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
    if not rows:
        raise ActionError(ErrorCode.FILE_INVALID, "文件中没有数据。", field="file")
    header = [HEADER_ALIASES.get(h.strip(), h.strip().lower()) for h in rows[0]]
    if "code" not in header or "name" not in header:
        raise ActionError(
            ErrorCode.FILE_INVALID,
            f"表头须包含 code 和 name 列（可选：{', '.join(COLUMNS[2:])}）。",
            field="file",
        )
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        raise ActionError(ErrorCode.FILE_INVALID, f"表头有无法识别的列：{', '.join(unknown)}。", field="file")
    if len(rows) - 1 > MAX_ROWS:
        raise ActionError(ErrorCode.FILE_INVALID, f"一次最多开通 {MAX_ROWS} 个单位。", field="file")
    existing = dict(Unit.objects.values_list("code", "name"))
    errors, units, seen = [], [], {}
    for number, raw in enumerate(rows[1:], start=2):
        row = {col: (raw[i].strip() if i < len(raw) else "") for i, col in enumerate(header)}
        row.setdefault("kind", "")
        row["kind"] = row["kind"] or "district_office"
        row["admin_username"] = row.get("admin_username") or "admin"
        row["admin_display_name"] = row.get("admin_display_name") or "单位管理员"
        row["admin_password"] = row.get("admin_password") or None
        try:
            code = validate_unit_code(row["code"])
            validate_unit_fields(name=row["name"], kind=row["kind"], modules=None)
            if row["admin_password"]:
                # Checked here, with the whole file: the job holds the password only sealed.
                check_password_policy(
                    row["admin_password"],
                    user=get_user_model()(
                        username=row["admin_username"], first_name=row["admin_display_name"][:150]
                    ),
                    field="admin_password",
                )
            if code in seen:
                raise ActionError(ErrorCode.DUPLICATE, f"与第 {seen[code]} 行的单位代码重复。", field="code")
            if code in existing and existing[code] != row["name"].strip():
                raise ActionError(
                    ErrorCode.DUPLICATE, f"单位代码“{code}”已被“{existing[code]}”使用。", field="code"
                )
            seen[code] = number
        except ActionError as exc:
            errors.append({"row": number, "field": exc.field, "detail": exc.detail})
            continue
        row["row"] = number
        units.append(row)
    if errors:
        raise ActionError(
            ErrorCode.IMPORT_INVALID, f"{len(errors)} 行有错误，未开通任何单位。", field="file", errors=errors
        )
    return units
