import subprocess
import sys


def test_jieba_is_not_loaded_when_the_project_starts():
    """The ~1 s dictionary load happens on the first analysis, not at import time of the project."""
    code = (
        "import django, sys; django.setup(); import jizhou.urls, jizhou.api, courses.search_views, courses.search_api; "
        "print('jieba' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"DJANGO_SETTINGS_MODULE": "jizhou.settings", "DJANGO_DEBUG": "1", "PATH": "/usr/bin:/bin"},
    )
    assert out.stdout.split() == ["False"]
