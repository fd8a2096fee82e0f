"""The catalogue: filters by 全宗, 年度, 保管期限, 机构, 文种; the 归档文件目录 as PDF and XLSX;
档案盒 labels."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from oa.archive import catalogue, queries
from oa.documents.rendering.raster import extract_text
from tests.oa.archive.conftest import filed

F = queries.CatalogueFilters


def test_it_filters_by_the_parts_of_the_archive_code(people, classified_ok):
    a = filed(people, title="甲", year=2015, retention="D30")
    b = filed(people, title="乙", year=2015, retention="Y", doc_type="函")
    c = filed(people, title="丙", year=2016, retention="D30")
    secret = filed(
        people, title="密件", year=2015, classification="secret", secrecy_period="5年", copy_number="000001"
    )
    archivist = people["clerk2"]

    def ids(user, **f):
        return [i.pk for i in queries.catalogue(user, F(**f))]

    assert set(ids(archivist, year=2015)) == {a.pk, b.pk, secret.pk}
    assert ids(archivist, year=2015, retention="D30") == [a.pk]
    assert ids(archivist, doc_type="函") == [b.pk]
    assert set(ids(archivist, fonds="siming", org="SECRETARIAT")) == {a.pk, b.pk, c.pk, secret.pk}
    assert ids(archivist, org="OFFICE") == []
    assert ids(archivist, q="丙") == [c.pk]
    # A staff member browses the entries of unclassified items only.
    assert set(ids(people["clerk"], year=2015)) == {a.pk, b.pk}
    item = queries.archived_items().get(pk=a.pk)
    assert (item.fonds, item.year, item.org, item.item_no) == ("SIMING", 2015, "SECRETARIAT", 1)
    assert queries.facets()["years"][:2] == [2016, 2015]


def test_the_directory_prints_as_pdf_and_exports_as_xlsx(people):
    items = [filed(people, title=f"第{n}件通知", year=2017) for n in (1, 2, 3)]
    rows = queries.catalogue(people["clerk2"], F(year=2017))
    content = catalogue.directory_pdf(rows, unit_name="思明区政府办公室", year=2017)
    text = "".join(extract_text(content))
    assert "归档文件目录" in text and "2017 年度" in text
    for item in items:
        assert item.archive_code in text.replace("\n", "") or item.title in text
    book = load_workbook(io.BytesIO(catalogue.directory_xlsx(rows, unit_name="思明区政府办公室", year=2017)))
    sheet = book.active
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][:5] == ("序号", "档号", "文号", "责任者", "题名")
    assert [r[1] for r in values[2:]] == [i.archive_code for i in items]
    assert values[2][5] == "20170301"


def test_box_labels_never_mix_years_or_retention(people):
    for n in range(5):
        filed(people, title=f"件{n}", year=2018, retention="D10")
    filed(people, title="永久件", year=2018, retention="Y")
    packed = catalogue.boxes(queries.catalogue(people["clerk2"], F(year=2018)), per_box=2)
    assert [(b.retention, b.first, b.last, b.count) for b in packed] == [
        ("D10", 1, 2, 2),
        ("D10", 3, 4, 2),
        ("D10", 5, 5, 1),
        ("Y", 1, 1, 1),
    ]
    text = "".join(extract_text(catalogue.box_labels_pdf(packed, unit_name="思明区政府办公室")))
    assert "第 4 盒" in text and "0003—0004" in text
