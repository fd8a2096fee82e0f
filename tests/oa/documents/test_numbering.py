"""不重号、不空号: concurrent allocations queue on the counter row; a rolled-back one gives its
number back. These run on real, committed transactions (one connection per thread), so the
rule they use is committed by the fixture and removed afterwards."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction
from django_tenants.utils import schema_context

from oa.documents import numbering
from oa.documents.models import NumberCounter
from oa.templates.models import UnitTemplate
from tests.conftest import SIMING

RULE = "concurrency-test"


class Rollback(Exception):
    pass


# The test's own connection is inside pytest-django's rolled-back transaction; what the
# threads must see is written from another thread (its own connection, autocommit).
pytestmark = pytest.mark.django_db


def _in_own_connection(fn):
    def run():
        try:
            with schema_context(SIMING):
                fn()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()


@pytest.fixture
def committed_rule():
    content = {
        "purpose": "outgoing",
        "pattern": "{机关代字}〔{年}〕{序号}号",
        "agency_abbr": "并发",
        "reset": "yearly",
        "start": 1,
    }
    _in_own_connection(
        lambda: UnitTemplate.objects.create(
            kind="numbering", code=RULE, name="并发测试", content_json=content, checksum="-"
        )
    )
    yield
    _in_own_connection(
        lambda: (
            NumberCounter.objects.filter(rule=RULE).delete(),
            UnitTemplate.objects.filter(code=RULE).delete(),
        )
    )


def _run(workers: int, body) -> list:
    barrier = threading.Barrier(workers)
    results, errors = [], []

    def work(i):
        try:
            with schema_context(SIMING):
                barrier.wait(timeout=30)
                results.append(body(i))
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    return results


def test_fifty_concurrent_allocations_give_exactly_one_to_fifty(committed_rule):
    def allocate(i):
        with transaction.atomic():
            return numbering.allocate(RULE, year=2026, direction="incoming").seq

    assert sorted(_run(50, allocate)) == list(range(1, 51))


def test_rolled_back_allocations_leave_no_gap(committed_rule):
    def allocate(i):
        try:
            with transaction.atomic():
                allocated = numbering.allocate(RULE, year=2027, direction="incoming")
                if i % 4 == 0:
                    raise Rollback  # e.g. the sign-off failed after taking its number
                return allocated.text
        except Rollback:
            return None

    texts = [t for t in _run(40, allocate) if t]
    assert sorted(texts, key=lambda t: int(t.split("〕")[1][:-1])) == [
        f"并发〔2027〕{n}号" for n in range(1, 31)
    ]
