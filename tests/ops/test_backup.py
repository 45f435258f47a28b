"""A backup (tools/backup.sh: pg_dump in custom format + the media and private files) restores (tools/restore.sh:
pg_restore into a fresh database, files checked against their SHA-256 list) into a site that serves the same pages
and holds the same learning records, certificates and files. docs/backup.md describes the same two commands."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from PIL import Image as PILImage
from wagtail.images.models import Image

from records.models import Certificate

from .facts import facts

ROOT = Path(__file__).resolve().parents[2]
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="backups are pg_dump/pg_restore: runs when the suite runs on PostgreSQL (DATABASE_URL=postgres://…)",
)


def database_url(name: str) -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def run(script: str, *args: str, **environ: str) -> None:
    env = {**os.environ, **environ}
    result = subprocess.run(
        ["bash", str(ROOT / "tools" / script), *args], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
def var_dir(settings, tmp_path):
    """The site's files go to a folder of this test's own (media: images; private: certificate PDFs)."""
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = settings.VAR_DIR / "media"
    return settings.VAR_DIR


@pytest.fixture
def fresh_database():
    name = connection.settings_dict["NAME"] + "_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@on_postgresql
@pytest.mark.django_db(transaction=True)  # pg_dump reads what is committed
def test_a_backup_restores_into_a_fresh_database_serving_the_same_pages_and_records(
    var_dir, completed, fresh_database, tmp_path
):
    photo = io.BytesIO()
    PILImage.new("RGB", (64, 48), "green").save(photo, "PNG")
    Image.objects.create(title="梨园", file=SimpleUploadedFile("pear-orchard.png", photo.getvalue()))
    certificate = Certificate.objects.get()
    course = completed.course_class.course
    paths = ["/", course.url, f"/certificates/{certificate.code}/", "/search/?q=梨树"]
    before = facts(paths)
    assert before["records"]["certificates"] and before["records"]["learning_entries"]
    assert any(name.startswith("media/original_images/") for name in before["files"])
    assert all(status == 200 for status, _ in before["pages"].values()), before["pages"]

    backup = tmp_path / "backup 2026-12-01"  # a space: the scripts quote their arguments
    original = database_url(connection.settings_dict["NAME"])
    run("backup.sh", str(backup), DATABASE_URL=original, JIZHOU_VAR_DIR=str(var_dir))
    assert (backup / "database.dump").read_bytes().startswith(b"PGDMP")  # pg_dump's custom format

    restored = tmp_path / "restored var"
    run("restore.sh", str(backup), DATABASE_URL=database_url(fresh_database), JIZHOU_VAR_DIR=str(restored))

    # A separate process of the site, on the restored database and files only (no shared cache).
    env = {**os.environ, "DATABASE_URL": database_url(fresh_database), "JIZHOU_VAR_DIR": str(restored)}
    env.pop("REDIS_URL", None)
    env.pop("TEST_DATABASE_NAME", None)
    code = "import django; django.setup(); from tests.ops.facts import main; main()"
    result = subprocess.run(
        [sys.executable, "-c", code, *paths], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    after = json.loads(result.stdout.strip().splitlines()[-1])
    assert after["records"] == json.loads(json.dumps(before["records"]))
    assert after["files"] == before["files"]
    assert after["pages"] == {path: list(value) for path, value in before["pages"].items()}


def test_restore_refuses_to_overwrite_files(tmp_path):
    (tmp_path / "var" / "media").mkdir(parents=True)
    (tmp_path / "backup").mkdir()
    result = subprocess.run(
        ["bash", str(ROOT / "tools" / "restore.sh"), str(tmp_path / "backup")],
        env={**os.environ, "JIZHOU_VAR_DIR": str(tmp_path / "var")},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1 and "exists" in result.stderr
