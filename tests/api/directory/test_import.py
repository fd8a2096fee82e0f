import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context
from openpyxl import Workbook

from oa.directory.models import Department, Staff
from tests.conftest import SIMING

HEADER = "username,display_name,department,position,phone,email,roles,password\n"


@pytest.fixture
def org(siming_admin):
    with schema_context(SIMING):
        from oa.directory.models import Position

        office = Department.objects.create(name="办公室")
        Department.objects.create(name="秘书科", parent=office)
        Position.objects.create(name="科员")
    return siming_admin


def upload(client, content: bytes, name="staff.csv", dry_run=False):
    return client.post(
        "/api/directory/staff/import/",
        {"file": SimpleUploadedFile(name, content), "dry_run": "true" if dry_run else "false"},
        format="multipart",
    )


def staff_count():
    with schema_context(SIMING):
        return Staff.objects.count()


def test_a_clean_csv_imports_every_row(org):
    csv = (
        HEADER
        + "zs,张三,办公室/秘书科,科员,13800000000,zs@example.gov.cn,,Secure@2026pw\nls,李四,办公室,,,,,\n"
    )
    response = upload(org, csv.encode())
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 2
    generated = response.json()["generated_passwords"]
    assert [g["username"] for g in generated] == ["ls"]
    with schema_context(SIMING):
        assert Staff.objects.get(user__username="zs").department.name == "秘书科"
        assert Staff.objects.get(user__username="ls").user.account.must_change_password
        assert Staff.objects.get(user__username="zs").user.account.must_change_password


def test_a_dry_run_writes_nothing(org):
    before = staff_count()
    response = upload(org, (HEADER + "zs,张三,办公室,,,,,Secure@2026pw\n").encode(), dry_run=True)
    assert response.json() == {"dry_run": True, "total": 1, "created": 0, "generated_passwords": []}
    assert staff_count() == before


def test_errors_are_reported_per_row_and_nothing_is_imported(org):
    before = staff_count()
    csv = HEADER + (
        "zs,张三,办公室,,,,,Secure@2026pw\n"
        ",无账号,,,,,,\n"
        "admin,重名,,,,,,\n"
        "zs,重复,,,,,,\n"
        "ww,王五,不存在的部门,,,,,\n"
        "zl,赵六,,处长,,,,\n"
        "qq,钱七,,,,bad-email,,\n"
        "sb,孙八,,,,,sysadmin;auditadmin,\n"
        "wk,弱口令,,,,,,123\n"
    )
    response = upload(org, csv.encode())
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "import_invalid"
    assert {(e["row"], e["field"]) for e in body["errors"]} == {
        (3, "username"),
        (4, "username"),
        (5, "username"),
        (6, "department"),
        (7, "position"),
        (8, "email"),
        (9, "roles"),
        (10, "password"),
    }
    assert staff_count() == before


def test_xlsx_with_chinese_headers_is_imported(org):
    book = Workbook()
    sheet = book.active
    sheet.append(["用户名", "姓名", "部门", "职务"])
    sheet.append(["zs", "张三", "秘书科", "科员"])
    data = io.BytesIO()
    book.save(data)
    response = upload(org, data.getvalue(), name="人员.xlsx")
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 1


def test_a_gbk_csv_is_read(org):
    response = upload(org, (HEADER + "zs,张三,办公室,,,,,Secure@2026pw\n").encode("gbk"))
    assert response.json()["created"] == 1


@pytest.mark.parametrize(
    "content",
    [b"", b"\x00\x01\x02binary", b"nonsense,header\nx,y\n", b"PK\x03\x04not really a zip"],
)
def test_files_that_are_not_staff_lists_are_refused_clearly(org, content):
    response = upload(org, content)
    assert response.status_code == 400
    assert response.json()["field"] == "file"


def test_the_file_type_is_judged_by_content_not_name(org):
    # A CSV named .xlsx is read as CSV.
    response = upload(org, (HEADER + "zs,张三,,,,,,Secure@2026pw\n").encode(), name="fake.xlsx")
    assert response.json()["created"] == 1


def test_an_xlsx_that_inflates_too_far_is_refused(org):
    import zipfile

    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (60 * 1024 * 1024))
    response = upload(org, data.getvalue(), name="bomb.xlsx")
    assert response.status_code == 400
    assert "过大" in response.json()["detail"]
