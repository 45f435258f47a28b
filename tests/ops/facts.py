"""What a backup must bring back, read the same way from the original and from the restored copy: the pages people
see, the learning records and certificates, and every stored file's checksum.

A process pointed at the restored database prints them as JSON with `main()` (after django.setup())."""

import hashlib
import json
import re
import sys
from pathlib import Path

from django.conf import settings
from django.test import Client

from enrolment.models import Enrolment
from records.models import Certificate, LearningEntry

# The CSRF token in each form differs on every render; nothing else on these pages does.
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def page_facts(paths: list[str]) -> dict:
    client = Client()
    facts = {}
    for path in paths:
        response = client.get(path)
        html = CSRF.sub("", response.content.decode())
        facts[path] = [response.status_code, hashlib.sha256(html.encode()).hexdigest()]
    return facts


def record_facts() -> dict:
    return {
        "certificates": [
            [c.code, c.status, c.learner_id, str(c.hours), c.pdf.name]
            for c in Certificate.objects.order_by("code")
        ],
        "learning_entries": [
            [e.learner_id, str(e.hours), e.source] for e in LearningEntry.objects.order_by("pk")
        ],
        "enrolments": list(Enrolment.objects.order_by("pk").values_list("pk", "learner_id", "status")),
    }


def file_facts(var_dir: Path) -> dict:
    return {
        str(path.relative_to(var_dir)): hashlib.sha256(path.read_bytes()).hexdigest()
        for folder in ("media", "private")
        for path in sorted((var_dir / folder).rglob("*"))
        if path.is_file()
    }


def facts(paths: list[str]) -> dict:
    return {"pages": page_facts(paths), "records": record_facts(), "files": file_facts(Path(settings.VAR_DIR))}


def main() -> None:
    print(json.dumps(facts(sys.argv[1:]), ensure_ascii=False))
