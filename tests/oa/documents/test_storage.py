"""Per-unit document storage: content-addressed, atomic, and closed to other units."""

from __future__ import annotations

import hashlib

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from oa.documents.storage import UnitStorageError, blob_exists, blob_path, open_blob, store_bytes
from tests.conftest import HULI, SIMING

CONTENT = "厦门市人民政府关于做好2026年春节期间值班工作的通知".encode()
DIGEST = hashlib.sha256(CONTENT).hexdigest()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_it_stores_under_the_unit_by_digest_and_reads_back(db, media):
    with schema_context(SIMING):
        blob = store_bytes(CONTENT)
        with open_blob(blob.sha256) as stream:
            read = stream.read()

    assert blob.sha256 == DIGEST
    assert blob.size == len(CONTENT)
    assert blob.relative_path == f"units/{SIMING}/documents/{DIGEST[:2]}/{DIGEST}"
    assert (media / blob.relative_path).read_bytes() == CONTENT
    assert read == CONTENT


def test_storing_the_same_content_twice_is_one_file_and_leaves_no_temporary_files(db, media):
    with schema_context(SIMING):
        first = store_bytes(CONTENT)
        second = store_bytes(CONTENT)

    assert first == second
    folder = media / "units" / SIMING / "documents" / DIGEST[:2]
    assert [path.name for path in folder.iterdir()] == [DIGEST]


def test_a_unit_cannot_open_another_unit_s_blob_by_digest(db, media):
    with schema_context(HULI):
        store_bytes(CONTENT)
        assert blob_exists(DIGEST)

    with schema_context(SIMING):
        assert not blob_exists(DIGEST)
        assert blob_path(DIGEST).is_relative_to(media / "units" / SIMING)
        with pytest.raises(FileNotFoundError):
            open_blob(DIGEST)


def test_each_unit_keeps_its_own_copy_of_the_same_content(db, media):
    with schema_context(SIMING):
        in_siming = store_bytes(CONTENT)
    with schema_context(HULI):
        in_huli = store_bytes(CONTENT)

    assert in_siming.relative_path != in_huli.relative_path
    assert (media / in_siming.relative_path).is_file()
    assert (media / in_huli.relative_path).is_file()


def test_the_public_schema_has_no_document_store(db, media):
    assert connection.schema_name == "public"

    with pytest.raises(UnitStorageError):
        store_bytes(CONTENT)
    with pytest.raises(UnitStorageError):
        open_blob(DIGEST)
    assert not (media / "units").exists()


@pytest.mark.parametrize("digest", ["../../huli/documents/ab/" + "a" * 40, DIGEST.upper(), DIGEST[:-1], ""])
def test_only_a_digest_can_name_a_blob(db, media, digest):
    with schema_context(SIMING), pytest.raises(ValueError):
        open_blob(digest)


def test_a_failed_write_leaves_no_temporary_file(db, media):
    folder = media / "units" / SIMING / "documents" / DIGEST[:2]
    # Something already in the way of the final rename (a folder where the blob should go).
    (folder / DIGEST).mkdir(parents=True)

    with schema_context(SIMING), pytest.raises(OSError):
        store_bytes(CONTENT)

    assert [path.name for path in folder.iterdir()] == [DIGEST]
