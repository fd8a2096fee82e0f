"""A realistic 通知 and the built-in red-header layout, rendered once for the whole module."""

from __future__ import annotations

import copy
import datetime
import json
from pathlib import Path

import pytest

from oa.documents.rendering import DocumentContent, draw_default_seal, page_count, render_page_png, render_pdf

ROOT = Path(__file__).resolve().parents[4]
LAYOUT_PATH = ROOT / "templates_lib" / "builtin" / "layouts" / "red_header.json"
OUTPUT = ROOT / "test-output" / "rendering"

NOTICE_BODY = """
<p>为深入贯彻落实安全生产工作部署，切实防范化解重大安全风险，经区政府同意，决定于2026年12月在全区范围内开展安全生产大检查。现将有关事项通知如下：</p>
<p>一、检查范围和重点</p>
<p>（一）检查范围。全区各街道、区直各部门以及辖区内各类生产经营单位。重点检查道路交通、建筑施工、消防、危险化学品、特种设备、燃气、人员密集场所等行业领域。</p>
<p>（二）检查重点。安全生产责任制落实情况，隐患排查治理体系建设情况，应急预案编制、演练情况，以及<strong>重大事故隐患</strong>整改落实情况。</p>
<p>二、工作安排</p>
<p>（一）自查自纠阶段（12月1日至12月10日）。各单位要对照检查重点，全面开展自查自纠，建立问题清单和整改台账，做到责任、措施、资金、时限、预案“五落实”。</p>
<p>（二）督导检查阶段（12月11日至12月25日）。区安委会办公室牵头组织联合检查组，采取“四不两直”方式开展督导检查。</p>
<p>1.各街道要组织力量对辖区内企业开展全覆盖检查。</p>
<p>2.区直各部门要按照“管行业必须管安全”的要求，对本行业领域开展专项检查。</p>
<p>三、工作要求</p>
<p>各单位要高度重视，主要负责同志要亲自研究部署，切实把安全生产大检查作为当前一项重要工作抓紧抓实。检查中发现的重大问题要及时报告区安委会办公室。请于12月28日前将检查工作总结报送区安委会办公室（联系人：陈明，电话：0592-2891234）。</p>
"""


@pytest.fixture(scope="session")
def builtin_layout() -> dict:
    return json.loads(LAYOUT_PATH.read_text(encoding="utf-8"))


@pytest.fixture
def layout(builtin_layout) -> dict:
    return copy.deepcopy(builtin_layout)


@pytest.fixture(scope="session")
def seal_png() -> bytes:
    return draw_default_seal("厦门市思明区人民政府办公室")


@pytest.fixture(scope="session")
def notice(seal_png) -> DocumentContent:
    return DocumentContent(
        title="厦门市思明区人民政府办公室关于开展2026年度全区安全生产大检查工作的通知",
        agency_name="厦门市思明区人民政府办公室",
        doc_number="思政办〔2026〕3号",
        addressees="各街道办事处，区直各部门，各有关单位",
        body_html=NOTICE_BODY,
        attachments=["2026年度安全生产大检查工作方案", "安全生产大检查情况统计表"],
        issued_date=datetime.date(2026, 11, 24),
        seal_png=seal_png,
        note="此件公开发布",
        copy_to=["区委办公室", "区人大常委会办公室", "区政协办公室"],
        printing_agency="厦门市思明区人民政府办公室",
        printing_date=datetime.date(2026, 11, 25),
    )


@pytest.fixture(scope="session")
def notice_pdf(notice, builtin_layout) -> bytes:
    pdf = render_pdf(notice, builtin_layout)
    # Examples for people to look at (test-output/ is not committed).
    OUTPUT.mkdir(parents=True, exist_ok=True)
    (OUTPUT / "notice.pdf").write_bytes(pdf)
    (OUTPUT / "notice-page-1.png").write_bytes(render_page_png(pdf, 1, 100))
    last = page_count(pdf)
    (OUTPUT / f"notice-page-{last}-last.png").write_bytes(render_page_png(pdf, last, 100))
    return pdf
