"""网关交换 in Chromium: the provider copies this gateway's key, trusts the 政务内网 gateway, exports
the bundle waiting for it (the browser downloads the file, which verifies with the key the page
showed), imports the other side's bundle (new deliveries, one package refused and why), imports
it again (a replay: duplicates only), and reads the history. Screenshots in
test-output/e2e/gateway-*.png."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from tests.conftest import HULI, PASSWORD, SIMING
from tests.e2e.test_exchange_flow import committed
from tests.e2e.test_foundation_flow import sign_in

expect.set_options(timeout=30_000)
pytestmark = pytest.mark.django_db

PEER = "intranet"


def _make_world(media_root: Path) -> None:
    """内网市委办公厅 in the directory and a package from 思明区 waiting for the gateway to it."""
    from django.contrib.auth import get_user_model

    from exchange import actions, fanout
    from exchange.models import Party
    from oa.directory.actions import create_staff
    from oa.directory.models import Role
    from tests.exchange.conftest import submission

    Party.objects.get_or_create(code="nwoffice", defaults={"name": "内网市委办公厅", "network": PEER})
    with override_settings(MEDIA_ROOT=media_root), schema_context(SIMING):
        with transaction.atomic():
            if not get_user_model().objects.filter(username="gw_clerk").exists():
                create_staff(
                    username="gw_clerk",
                    display_name="思明文书",
                    password=PASSWORD,
                    roles=list(Role.objects.filter(code="clerk")),
                )
        clerk = get_user_model().objects.get(username="gw_clerk")
        result = actions.do_submit_package(
            submission("关于报送2026年度保密自查情况的通知"), acting_user=clerk, recipients=["nwoffice"]
        )
        connection.set_schema_to_public()
        fanout.fan_out(result.envelope.pk, enqueue=lambda ids: None)
    connection.set_schema_to_public()


def _forget() -> None:
    from exchange.models import GatewayKey, Party, SigningKey
    from tests.e2e.test_exchange_flow import _forget_hub_traffic

    _forget_hub_traffic()
    GatewayKey.objects.all().delete()
    SigningKey.objects.filter(party__code__in=["nwcity", "nwoffice"]).delete()
    Party.objects.filter(code__in=["nwcity", "nwoffice"]).delete()


@pytest.fixture
def world(live_platform, platform_env, django_db_blocker):
    _port, _db, env = platform_env
    with django_db_blocker.unblock():
        committed(_make_world, Path(env["OA_VAR_DIR"]) / "media")
    yield
    with django_db_blocker.unblock():
        committed(_forget)


def _peer_bundle(other, tmp_path: Path) -> Path:
    """The 政务内网's bundle: a notice to 湖里区, and a package altered after its sender signed it."""
    from tests.exchange.test_gateway import body_replaced

    good = other.package("关于开展2026年度保密检查的通知")
    forged = other.package("关于调整办公时间的通知")
    forged.data = body_replaced(forged.data)
    path = tmp_path / "intranet-to-extranet.bundle.zip"
    path.write_bytes(other.bundle([good, forged], recipients=[HULI]))
    return path


def test_the_provider_carries_bundles_across_the_gateway(live_platform, page, world, tmp_path):
    from exchange import keys
    from tests.e2e.conftest import Shots
    from tests.exchange.test_gateway import OtherNetwork

    port = live_platform
    shot = Shots(page, "gateway")
    other = OtherNetwork()
    sign_in(page, f"http://localhost:{port}", "provider", PASSWORD)
    page.get_by_test_id("nav-console-exchange-gateway").click()
    expect(page.get_by_test_id("gateway-network")).to_contain_text("政务外网")
    own_key = page.get_by_test_id("gateway-public-key").input_value()
    assert len(keys.unb64(own_key)) == 32
    expect(page.get_by_test_id("gateway-peer-intranet")).to_contain_text("未信任对方网关")
    expect(page.get_by_test_id("peer-intranet-packages")).to_have_text("1")

    # 信任对方网关: a malformed key is refused on the field, then the real one.
    page.get_by_test_id("gateway-trust").click()
    page.get_by_test_id("trust-network").fill(PEER)
    page.get_by_test_id("trust-key").fill("not-a-key")
    page.get_by_test_id("trust-save").click()
    expect(page.locator(".el-dialog .el-form-item__error")).to_contain_text("Base64")
    page.get_by_test_id("trust-key").fill(keys.b64(keys.public_raw(other.gateway_key)))
    shot("trust-dialog")
    page.get_by_test_id("trust-save").click()
    expect(page.get_by_test_id("gateway-trusted")).to_contain_text(other.gateway_key_id[:4].upper())
    expect(page.get_by_test_id("gateway-peer-intranet")).not_to_contain_text("未信任对方网关")

    # 导出交换包: the browser downloads the signed bundle.
    page.get_by_test_id("gateway-export-intranet").click()
    with page.expect_download() as download:
        page.locator(".el-message-box__btns .el-button--primary").click()
    data = Path(download.value.path()).read_bytes()
    archive = zipfile.ZipFile(io.BytesIO(data))
    manifest = archive.read("bundle.json")
    signature = json.loads(archive.read("signature.json"))
    public = keys.Ed25519PublicKey.from_public_bytes(keys.unb64(own_key))
    assert keys.verify(public, keys.unb64(signature["signature"]), manifest)
    assert json.loads(manifest)["packages"][0]["recipients"] == ["nwoffice"]
    expect(page.get_by_test_id("gateway-export-intranet")).to_have_text("暂无待导出内容")
    expect(page.get_by_test_id("peer-intranet-packages")).to_have_text("0")

    # 导入交换包: one package delivered to 湖里区, the altered one refused with its reason.
    bundle = _peer_bundle(other, tmp_path)
    page.get_by_test_id("gateway-import-file").set_input_files(str(bundle))
    report = page.get_by_test_id("gateway-import-report")
    expect(report).to_contain_text("新投递 1")
    expect(report).to_contain_text("拒收 1")
    expect(report).to_contain_text("摘要")
    # The same file again: a replay delivers nothing new.
    page.get_by_test_id("gateway-import-file").set_input_files(str(bundle))
    expect(report).to_contain_text("新投递 0")
    expect(report).to_contain_text("重复 1（重放）")
    expect(page.get_by_test_id("gateway-history").locator("tbody tr")).to_have_count(3)
    # The whole page in one picture (the layout scrolls inside), without the toasts.
    page.set_viewport_size({"width": 1366, "height": 1700})
    page.locator(".el-message").evaluate_all("els => els.forEach((e) => e.remove())")
    shot("page")

    # A file that is not a bundle is refused whole, with the reason.
    junk = tmp_path / "junk.bundle.zip"
    junk.write_bytes(b"not a zip at all")
    page.get_by_test_id("gateway-import-file").set_input_files(str(junk))
    expect(page.get_by_test_id("gateway-import-error")).to_contain_text("不是 zip")
    page.locator(".el-message").evaluate_all("els => els.forEach((e) => e.remove())")
    expect(page.get_by_test_id("gateway-history").locator("tbody tr")).to_have_count(3)
    shot("refused")

    # The other side changed its gateway key: 更换公钥 asks before replacing the trusted one.
    newer = OtherNetwork()
    page.get_by_test_id("gateway-trusted").get_by_role("button", name="更换公钥").click()
    expect(page.get_by_test_id("trust-network")).to_have_value(PEER)
    page.get_by_test_id("trust-key").fill(keys.b64(keys.public_raw(newer.gateway_key)))
    page.get_by_test_id("trust-save").click()
    box = page.locator(".el-message-box")
    expect(box).to_contain_text("已信任另一把网关公钥")
    box.locator(".el-message-box__btns .el-button--primary").click()
    trusted = page.get_by_test_id("gateway-trusted")
    expect(trusted).to_contain_text(newer.gateway_key_id[:4].upper())
    expect(trusted.locator("tbody tr")).to_have_count(1)
