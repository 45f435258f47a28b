"""Catalogues for tests that load part of the demo district (jizhou.demo.demo_catalogue_load)."""

import json
from pathlib import Path

from jizhou.demo import CATALOGUE_FILE


def every_school_catalogue(directory: Path) -> Path:
    """The shipped catalogue's towns, venues and schools, with one course per school: what the loaders that
    refer to schools by name (events, stars and brands) need, at a small part of the full catalogue's load
    time (most of which is publishing its courses)."""
    data = json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))
    first_course = {}
    for course in data["courses"]:
        first_course.setdefault(course["provider"], course)
    data["courses"] = list(first_course.values())
    path = directory / "every-school.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path
