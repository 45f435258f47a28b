"""Learning records: certificate PDF rendering, the 我的学习 summary, and pushing xAPI statements to a real LRS.

    .venv/bin/python bench/records_bench.py [--pdfs 20] [--meetings 200] [--statements 1000]

What it does, on a throw-away SQLite database in a temporary folder (never var/):
1. Renders `--pdfs` certificate PDFs (CJK font embedded, QR code drawn as vectors): ms each, bytes each.
2. Gives one learner `--meetings` attended meetings over several years and categories (attendance rows and
   their hours-ledger entries), then times `learning_summary` (what /me/learning/ and /api/v1/me/record
   read) and counts its queries.
3. Starts ralph-malph's LRS from .venv-lrs (as the tests do), writes `--statements` xAPI statements to the
   outbox and times `xapi_push` (batches of 50): statements/s accepted by the LRS.
Everything runs on the same 2 shared cores, so the figures are the whole stack on one small machine.
"""

import argparse
import datetime
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pdfs", type=int, default=20)
    parser.add_argument("--meetings", type=int, default=200)
    parser.add_argument("--statements", type=int, default=1000)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="records-bench-"))
    os.environ.update(
        {"JIZHOU_VAR_DIR": str(workdir), "DJANGO_SETTINGS_MODULE": "jizhou.settings", "LOG_LEVEL": "WARNING"}
    )
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    try:
        run(args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run(args, workdir: Path):
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from courses.models import Category
    from enrolment.models import Attendance, Enrolment, Meeting
    from enrolment.selectors import attendance_source, class_activity, meeting_activity
    from records.lrs import xapi_push
    from records.models import Certificate, XapiStatement
    from records.pdf import render_certificate_pdf
    from records.selectors import learning_summary
    from records.services import learning_hours_record
    from tests.factories import UserFactory, course_class, course_page, provider_page, site_tree

    # 1. Certificate PDFs
    certificate = Certificate(
        code="JZ-ABCD-EFGH-JKMN",
        learner_name="张三华",
        course_title="梨树冬季修剪技术",
        class_label="2026年冬季班",
        issuer="罗庄子镇成人文化技术学校",
        hours=Decimal("16"),
        completed_on=datetime.date(2026, 12, 20),
        issued_at=timezone.now(),
    )
    render_certificate_pdf(certificate)  # font loading, once per process
    times, size = [], 0
    for _ in range(args.pdfs):
        start = time.perf_counter()
        size = len(render_certificate_pdf(certificate))
        times.append((time.perf_counter() - start) * 1000)
    print(f"certificate PDF: median {statistics.median(times):.0f} ms, max {max(times):.0f} ms, {size / 1024:.0f} KiB")

    # 2. The summary of a busy learner
    home, catalogue = site_tree()
    school = provider_page(catalogue)
    learner = UserFactory(display_name="张三华")
    categories = ["农业技术", "老年教育", "职业技能", "社区教育"]
    per_class = 20
    enrolments = []
    for i in range(max(1, args.meetings // per_class)):
        category = Category.objects.get_or_create(name=categories[i % len(categories)])[0]
        course = course_page(school, title=f"课程{i}", category=category, classes=[course_class(label=f"班{i}")])
        klass = course.classes.get()
        enrolments.append(
            Enrolment.objects.create(learner=learner, course_class=klass, status="enrolled", arrival=1, holds_seat=True)
        )
        start = timezone.now() - datetime.timedelta(days=365 * (i % 3))
        for j in range(per_class):
            meeting = Meeting.objects.create(course_class=klass, starts_at=start + datetime.timedelta(days=j), hours=2)
            Attendance.objects.create(enrolment=enrolments[-1], meeting=meeting, method="qr")
            learning_hours_record(
                learner=learner,
                source=attendance_source(enrolment_id=enrolments[-1].pk, meeting_id=meeting.pk),
                title=f"{course.title}（{klass.label}）",
                category=category,
                provider=school.title,
                hours=meeting.hours,
                occurred_at=meeting.starts_at,
            )
    times = []
    for _ in range(10):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            summary = learning_summary(learner)
            times.append((time.perf_counter() - start) * 1000)
    print(
        f"learning_summary, {summary.meetings_attended} meetings in {len(summary.activities)} classes: "
        f"median {statistics.median(times):.0f} ms, {len(queries)} queries"
    )

    # 3. xAPI push to a real LRS
    ralph = ROOT / ".venv-lrs" / "bin" / "ralph"
    if not ralph.exists():
        print("xAPI push: skipped, .venv-lrs is missing (make install)")
        return
    lrs_dir = workdir / "lrs"
    (lrs_dir / "data").mkdir(parents=True)
    env = {**os.environ, "RALPH_APP_DIR": str(lrs_dir / "app"), "RALPH_AUTH_FILE": str(lrs_dir / "auth.json")}
    subprocess.run(
        [str(ralph), "auth", "-u", "bench", "-p", "bench-password", "-s", "all", "-w", "-A", "bench", "https://x"],
        env=env, check=True, capture_output=True,
    )  # fmt: skip
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [str(ralph.parent / "python"), str(ROOT / "tests" / "records" / "lrs_server.py"), "127.0.0.1", str(port),
         str(lrs_dir / "data")],
        env=env, cwd=lrs_dir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        import requests

        for _ in range(200):
            try:
                requests.get(f"http://127.0.0.1:{port}/whoami", auth=("bench", "bench-password"), timeout=1)
                break
            except requests.RequestException:
                time.sleep(0.2)
        settings.XAPI_LRS_URL = f"http://127.0.0.1:{port}/xAPI/"
        settings.XAPI_LRS_USERNAME, settings.XAPI_LRS_PASSWORD = "bench", "bench-password"
        XapiStatement.objects.all().delete()
        from records import xapi
        from records.services import learner_key

        key = learner_key(learner)
        meetings = list(Meeting.objects.select_related("course_class__course__category")[: args.statements])
        enrolment_of = {e.course_class_id: e for e in enrolments}
        rows = []
        n = 0
        while len(rows) < args.statements:
            for meeting in meetings:
                course_class = meeting.course_class
                statement = xapi.attended(
                    learner_key=key,
                    ref=f"{enrolment_of[meeting.course_class_id].pk}:{meeting.pk}",
                    activity=meeting_activity(meeting),
                    parent=class_activity(course_class),
                    category=course_class.course.category,
                    hours=meeting.hours,
                    at=meeting.starts_at,
                )
                statement["id"] = str(xapi.statement_id("bench", n))
                rows.append(XapiStatement(id=statement["id"], learner=learner, verb="attended", statement=statement))
                n += 1
                if len(rows) == args.statements:
                    break
        XapiStatement.objects.bulk_create(rows)
        start = time.perf_counter()
        result = xapi_push()
        elapsed = time.perf_counter() - start
        print(
            f"xAPI push to ralph (fs backend), batches of 50: {result.sent} statements in {elapsed:.1f} s "
            f"= {result.sent / elapsed:.0f} statements/s (rejected {result.rejected}, pending {result.pending})"
        )
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
