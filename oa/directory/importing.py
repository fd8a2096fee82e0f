"""Staff import from XLSX or CSV (人员导入): every row is checked first; nothing is written
unless every row is valid, and the errors name the row and the column."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction

from oa.core.actions import check_password_policy
from oa.core.audit import record_event
from oa.core.errors import ActionError, ErrorCode
from oa.directory.actions import check_no_admin_roles, check_role_separation, create_staff, generate_password
from oa.directory.models import Department, Position, Role
from oa.directory.queries import department_path

COLUMNS = ["username", "display_name", "department", "position", "phone", "email", "roles", "password"]
# Chinese headers are accepted as well (an exported register usually has them).
HEADER_ALIASES = {
    "用户名": "username",
    "账号": "username",
    "登录名": "username",
    "姓名": "display_name",
    "部门": "department",
    "职务": "position",
    "电话": "phone",
    "手机": "phone",
    "邮箱": "email",
    "角色": "roles",
    "密码": "password",
}
REQUIRED = ("username", "display_name")
MAX_ROWS = 5000
MAX_XLSX_UNCOMPRESSED = 50 * 1024 * 1024


@dataclass
class ImportResult:
    dry_run: bool
    total: int
    created: int = 0
    generated_passwords: list[dict] = field(default_factory=list)


def _sniff_kind(name: str, data: bytes) -> str:
    # By content, not by name: XLSX is a zip, CSV is text.
    if data[:4] == b"PK\x03\x04":
        return "xlsx"
    if b"\x00" in data[:4096]:
        raise ActionError(ErrorCode.FILE_INVALID, "文件不是 XLSX 或 CSV 格式。", field="file")
    return "csv"


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ActionError(ErrorCode.FILE_INVALID, "CSV 文件编码无法识别（请使用 UTF-8 或 GBK）。", field="file")


def read_rows(name: str, data: bytes) -> list[dict[str, str]]:
    """Rows as dicts keyed by canonical column name, with the header mapped."""
    if not data:
        raise ActionError(ErrorCode.FILE_INVALID, "文件为空。", field="file")
    if _sniff_kind(name, data) == "xlsx":
        raw = _read_xlsx(data)
    else:
        raw = list(csv.reader(io.StringIO(_decode(data))))
    raw = [row for row in raw if any((cell or "").strip() for cell in row)]
    if not raw:
        raise ActionError(ErrorCode.FILE_INVALID, "文件中没有数据。", field="file")
    header = [HEADER_ALIASES.get(h.strip(), h.strip().lower()) for h in raw[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ActionError(
            ErrorCode.FILE_INVALID,
            f"表头缺少列：{', '.join(missing)}（应为 {', '.join(COLUMNS)}）。",
            field="file",
        )
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown:
        raise ActionError(ErrorCode.FILE_INVALID, f"表头有无法识别的列：{', '.join(unknown)}。", field="file")
    if len(raw) - 1 > MAX_ROWS:
        raise ActionError(ErrorCode.FILE_INVALID, f"一次最多导入 {MAX_ROWS} 行。", field="file")
    return [
        {col: (row[i] if i < len(row) else "").strip() for i, col in enumerate(header) if col}
        for row in raw[1:]
    ]


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_XLSX_UNCOMPRESSED:
                raise ActionError(ErrorCode.FILE_INVALID, "XLSX 文件解压后过大。", field="file")
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except ActionError:
        raise
    except Exception as exc:
        raise ActionError(ErrorCode.FILE_INVALID, f"无法读取 XLSX 文件：{exc}", field="file") from exc
    sheet = workbook.worksheets[0]
    rows = []
    for row in sheet.iter_rows(values_only=True):
        rows.append(["" if v is None else str(v).strip() for v in row])
    workbook.close()
    return rows


def _department_index() -> dict[str, Department]:
    """Departments by full path ("办公室/秘书科") and, when unambiguous, by bare name."""
    departments = list(Department.objects.select_related("parent"))
    by_path = {department_path(d): d for d in departments}
    by_name: dict[str, list[Department]] = {}
    for d in departments:
        by_name.setdefault(d.name, []).append(d)
    index = dict(by_path)
    for name, ds in by_name.items():
        if len(ds) == 1:
            index.setdefault(name, ds[0])
    return index


def do_import_staff(
    name: str, data: bytes, *, acting_user, dry_run: bool, can_grant_roles: bool = False, ip=None
) -> ImportResult:
    rows = read_rows(name, data)
    User = get_user_model()
    departments = _department_index()
    positions = {p.name: p for p in Position.objects.all()}
    roles = {r.code: r for r in Role.objects.all()} | {r.name: r for r in Role.objects.all()}
    existing = {u.lower() for u in User.objects.values_list("username", flat=True)}
    errors: list[dict] = []
    seen: dict[str, int] = {}
    prepared = []
    for number, row in enumerate(rows, start=2):  # row 1 is the header

        def err(column: str, detail: str, _n=number) -> None:
            errors.append({"row": _n, "field": column, "detail": detail})

        username = row.get("username", "")
        if not username:
            err("username", "用户名不能为空。")
        elif not all(c.isalnum() or c in "._-@" for c in username) or len(username) > 150:
            err("username", "用户名只能包含字母、数字和 . _ - @。")
        elif username.lower() in existing:
            err("username", f"用户名“{username}”已存在。")
        elif username.lower() in seen:
            err("username", f"与第 {seen[username.lower()]} 行的用户名重复。")
        else:
            seen[username.lower()] = number
        if not row.get("display_name"):
            err("display_name", "姓名不能为空。")
        dept = None
        if row.get("department"):
            dept = departments.get(row["department"].strip("/"))
            if dept is None:
                err("department", f"部门“{row['department']}”不存在（可写完整路径，如 办公室/秘书科）。")
        position = None
        if row.get("position"):
            position = positions.get(row["position"])
            if position is None:
                err("position", f"职务“{row['position']}”不存在。")
        row_roles = []
        may_grant = can_grant_roles
        if row.get("roles") and not can_grant_roles:
            err("roles", "没有授予角色的权限（需要“管理角色与授权”）。")
        for token in [
            t.strip()
            for t in row.get("roles", "").replace("、", ";").replace(",", ";").split(";")
            if t.strip()
        ]:
            role = roles.get(token)
            if role is None:
                err("roles", f"角色“{token}”不存在。")
            else:
                row_roles.append(role)
        try:
            check_role_separation(row_roles)
            if may_grant:  # otherwise the row is already refused for its roles
                check_no_admin_roles(row_roles)
        except ActionError as exc:
            err("roles", exc.detail)
        password = row.get("password", "")
        if password:
            try:
                check_password_policy(password, user=User(username=username))
            except ActionError as exc:
                err("password", exc.detail)
        email = row.get("email", "")
        if email and "@" not in email:
            err("email", "邮箱格式不正确。")
        prepared.append((username, row, dept, position, row_roles, password))

    if errors:
        raise ActionError(
            ErrorCode.IMPORT_INVALID,
            f"共 {len(rows)} 行，其中 {len({e['row'] for e in errors})} 行有错误，未导入任何数据。",
            field="file",
            errors=errors,
        )
    result = ImportResult(dry_run=dry_run, total=len(rows))
    if dry_run:
        return result
    with transaction.atomic():
        for username, row, dept, position, row_roles, password in prepared:
            generated = not password
            initial_password = password or generate_password()
            create_staff(
                username=username,
                display_name=row["display_name"],
                password=initial_password,
                department=dept,
                position=position,
                phone=row.get("phone", ""),
                email=row.get("email", ""),
                roles=row_roles,
                # Passwords from a file were seen by whoever made it: changed at first login.
                must_change_password=True,
            )
            if generated:
                # Shown once to the importing admin; the user must change it at first login.
                result.generated_passwords.append({"username": username, "password": initial_password})
            result.created += 1
        record_event(
            "directory.staff_imported",
            acting_user=acting_user,
            summary=f"导入人员 {result.created} 名（文件：{name}）",
            detail={"file": name, "created": result.created},
            ip=ip,
        )
    return result
