"""A bulk provisioning job whose worker is killed (SIGKILL, mid-job) is marked failed by the
sweep, the console shows it 已中断 with 继续执行, and a new worker finishes it where it
stopped; the passwords given in the CSV were never in the job's payload and still work."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.e2e.conftest import ROOT, Process, Shots, console_api
from tests.e2e.test_foundation_flow import sign_in

pytestmark = pytest.mark.django_db
CODES = [f"kill{i}" for i in range(1, 7)]
UNIT_PASSWORD = "Kill@2026pass"


def start_worker(env, name: str) -> Process:
    return Process(
        name,
        ["celery", "-A", "config", "worker", "-l", "info", "--concurrency", "1", "--pool", "solo"],
        env,
        ready=lambda p: "ready" in p.log.read_text(),
    )


def sweep(env) -> str:
    """The sweep as beat runs it, in a process of its own (its writes commit)."""
    code = (
        "import django; django.setup(); from tenants.jobs import sweep_stale_jobs; print(sweep_stale_jobs())"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings", "OA_JOB_STALE_SECONDS": "2"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def job_row(job_id: int) -> tuple[str, int, bool, str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT status, done, interrupted, payload::text FROM tenants_job WHERE id = %s", [job_id]
        )
        return cursor.fetchone()


@pytest.fixture
def cleanup_units(live_platform):
    yield
    api = console_api(live_platform, "provider", PASSWORD)
    for code in CODES:
        api("DELETE", f"/api/units/{code}/", {"confirm": code}, ok=(204, 404))


def test_a_job_whose_worker_is_killed_is_marked_interrupted_and_resumed_from_the_console(
    live_platform, platform_env, page, tmp_path, cleanup_units
):
    from django.db import connection

    port = live_platform
    _port, _db, env = platform_env
    console = f"http://localhost:{port}"
    csv = tmp_path / "units.csv"
    csv.write_text(
        "code,name,kind,admin_username,admin_display_name,admin_password\n"
        + "".join(
            f"{code},中断测试街道{i}办事处,street_office,admin,管理员,{UNIT_PASSWORD}\n"
            for i, code in enumerate(CODES, 1)
        ),
        encoding="utf-8",
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM tenants_job")
        (last,) = cursor.fetchone()
    doomed = start_worker(env, "worker-doomed")
    shot = Shots(page, "bulk-killed")
    try:
        sign_in(page, console, "provider", PASSWORD)
        page.get_by_test_id("units-bulk").click()
        page.get_by_test_id("units-bulk-file").locator("input[type=file]").set_input_files(str(csv))
        page.get_by_test_id("units-bulk-submit").click()
        expect(page.locator(".el-progress").first).to_be_visible()
        deadline = time.time() + 120
        job_id = None
        while time.time() < deadline:
            with connection.cursor() as cursor:
                cursor.execute("SELECT id FROM tenants_job WHERE id > %s ORDER BY id LIMIT 1", [last])
                row = cursor.fetchone()
            if row:
                job_id = row[0]
                status, done, _interrupted, payload = job_row(job_id)
                assert UNIT_PASSWORD not in payload
                if status == "running" and done >= 1:
                    break
            time.sleep(0.1)
        assert job_id is not None, "the job was not created"
        os.kill(doomed.proc.pid, signal.SIGKILL)  # the worker dies mid-job
        doomed.proc.wait(timeout=10)
    finally:
        if doomed.proc.poll() is None:
            doomed.stop()
    status, done, _interrupted, payload = job_row(job_id)
    assert status == "running" and 1 <= done < len(CODES), (status, done)
    assert UNIT_PASSWORD not in payload

    time.sleep(3)  # past the (test's) stale limit of 2 s: the worker has not reported since
    assert sweep(env) == f"[{job_id}]"
    status, stopped_at, interrupted, _payload = job_row(job_id)
    assert (status, interrupted) == ("failed", True)
    alert = page.get_by_test_id("job-interrupted")
    expect(alert).to_be_visible(timeout=15_000)
    expect(alert).to_contain_text(f"已处理 {stopped_at} / {len(CODES)} 行")
    shot("interrupted")

    worker = start_worker(env, "worker-resumed")
    try:
        page.get_by_test_id("job-resume").click()
        expect(page.get_by_test_id("job-interrupted")).to_be_hidden()
        expect(page.locator(".el-progress").first).to_contain_text("100%", timeout=120_000)
        expect(page.get_by_test_id("job-results")).to_contain_text(CODES[-1])
        shot("resumed-done")
    finally:
        worker.stop()
    status, done, interrupted, payload = job_row(job_id)
    assert (status, done, interrupted) == ("done", len(CODES), False)
    assert UNIT_PASSWORD not in payload
    api = console_api(port, "provider", PASSWORD)
    listed = api("GET", "/api/units/?search=kill")
    assert sorted(u["code"] for u in listed["results"]) == CODES
    # Units from before and after the kill: each admin signs in with the file's password.
    for code in (CODES[0], CODES[-1]):
        console_api(port, "admin", UNIT_PASSWORD, code=code)("GET", "/api/auth/me/")
