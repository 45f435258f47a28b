"""Online lessons (issue 11): one function per measurement; `main` runs those asked for.

    .venv/bin/python bench/media_bench.py [--measure transcode|lesson_page|progress_writes] [--seconds 60]
        [--source testsrc|noisy] [--var var/bench-lessons] [--clients 4] [--duration 10] [--json f]

transcode — a source of `--seconds` at 1280×720/25 fps with sound (ffmpeg's `testsrc` picture and `sine` tone;
`noisy` adds moving grain, closer to a phone camera than the flat test card) is made into every rendition with
the pipeline's own command lines (media.transcode: 360p/540p/720p MP4, the 64 kb/s sound track, the poster),
one after another as a `--concurrency 1` media worker does. Reported per rendition: seconds of work per second of
source (ratio < 1 is faster than real time) and size per minute of source. The machine is 2 shared cores: the
figures are the whole box, and other work on it slows them — compare ratios within one run.
Nothing touches a database; files go to a temporary folder.

lesson_page — bytes a phone receives on a first visit to a demo lesson page (html, css, js; the video itself and
the poster aside, as the 100 KB budget says), normal and 长辈版, visitor and signed-in resident: a
production-like server (bench/demo_server.py) over the demo district in `--var` (default var/bench-lessons), Debian's
Chromium with an empty cache, sizes as they crossed the wire (bench/page_weight.py's way).

progress_writes — POST /api/v1/lessons/{id}/progress per second through that server (gunicorn, 2 workers,
SQLite unless DATABASE_URL… is not passed: the demo server's database), `--clients` residents each with a
token and a viewing, reporting growing segments back to back for `--duration` seconds. Every report is a locked
read-merge-write of the learner's progress row plus its viewing.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jizhou.settings.base")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django  # noqa: E402

django.setup()

import requests  # noqa: E402
from demo_server import PYTHON, prepare, running, server_env  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from media.probe import probe_file  # noqa: E402
from media.transcode import EXTENSIONS, SourceFacts, ffmpeg_args, renditions_for, run_ffmpeg  # noqa: E402

# lavfi graphs for the source picture, given its length in seconds.
SOURCES = {
    "testsrc": "testsrc=size=1280x720:rate=25:duration={seconds}",
    "noisy": "testsrc2=size=1280x720:rate=25:duration={seconds},noise=alls=24:allf=t",
}


def make_source(workdir: Path, *, seconds: int, source: str) -> Path:
    path = workdir / f"source-{source}.mp4"
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y",
         "-f", "lavfi", "-i", SOURCES[source].format(seconds=seconds),
         "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
         "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-c:a", "aac", "-b:a", "128k", "-shortest",
         str(path)],
        check=True,
    )  # fmt: skip
    return path


def measure_transcode(*, seconds: int = 60, source: str = "testsrc") -> dict:
    with tempfile.TemporaryDirectory(prefix="media-bench-") as tmp:
        workdir = Path(tmp)
        original = make_source(workdir, seconds=seconds, source=source)
        probed = probe_file(str(original))
        facts = SourceFacts(probed.duration, probed.has_video, probed.has_audio, probed.width, probed.height)
        rows = []
        for kind in renditions_for(facts):
            output = workdir / f"{kind}.{EXTENSIONS[kind]}"
            started = time.perf_counter()
            run_ffmpeg(ffmpeg_args(kind, str(original), str(output), facts), timeout=3600)
            elapsed = time.perf_counter() - started
            size = output.stat().st_size
            rows.append(
                {
                    "kind": kind,
                    "seconds": round(elapsed, 2),
                    "ratio_to_duration": round(elapsed / facts.duration, 3),
                    "mb_per_minute": round(size / 1e6 * 60 / facts.duration, 2),
                    "kbit_per_s": round(size * 8 / 1000 / facts.duration),
                }
            )
        total = sum(r["seconds"] for r in rows)
        return {
            "source": source,
            "source_seconds": round(facts.duration, 2),
            "load_average_before": os.getloadavg()[0],
            "renditions": rows,
            "total_seconds": round(total, 2),
            "total_ratio_to_duration": round(total / facts.duration, 3),
        }


LESSONS_VAR = ROOT / "var" / "bench-lessons"
DEMO_PASSWORD = "jizhou-demo-2026"
LESSON_BUDGET = 100 * 1024


def _demo_lesson_server(var_dir: Path):
    """The demo district with its online lessons (load_demo is idempotent: it adds lessons to an older one)."""
    prepare(var_dir)
    env = server_env(var_dir)
    subprocess.run([PYTHON, "manage.py", "load_demo"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    code = (
        "from media.models import LessonPage;"
        "lesson = LessonPage.objects.live().filter(media__status='ready').order_by('path').first();"
        "print(lesson.url, lesson.pk)"
    )
    out = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout.split()
    return out[-2], int(out[-1])


def _first_visit_bytes(browser, url: str, *, elder: bool, cookies: list) -> dict:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="zh-CN")
    context.add_cookies(cookies + ([{"name": "elder_mode", "value": "1", "url": url}] if elder else []))
    page = context.new_page()
    finished = []
    page.on("requestfinished", lambda request: finished.append(request))
    page.goto(url, wait_until="networkidle")
    totals: dict[str, int] = {}
    for request in finished:
        kind = {"document": "html", "stylesheet": "css", "script": "js"}.get(
            request.resource_type, request.resource_type
        )
        sizes = request.sizes()
        totals[kind] = totals.get(kind, 0) + sizes["responseBodySize"] + sizes["responseHeadersSize"]
    context.close()
    totals["total"] = sum(v for k, v in totals.items() if k not in {"media", "image"})  # the video and poster aside
    totals["within_budget"] = totals["total"] <= LESSON_BUDGET
    return totals


def measure_lesson_page(*, var_dir: Path = LESSONS_VAR) -> dict:
    path, _lesson_id = _demo_lesson_server(var_dir)
    results = {}
    with running(var_dir) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox"])
        login = browser.new_context()
        page = login.new_page()
        page.goto(base + "/accounts/login/")
        page.get_by_label("手机号码").fill("13700000000")
        page.get_by_label("密码").fill(DEMO_PASSWORD)
        page.get_by_role("main").get_by_role("button", name="登录").click()
        page.wait_for_load_state()
        signed_in = login.cookies()
        login.close()
        for who, cookies in (("visitor", []), ("resident", signed_in)):
            for elder in (False, True):
                label = f"lesson page, {who}{' + elder' if elder else ''}"
                results[label] = _first_visit_bytes(browser, base + path, elder=elder, cookies=cookies)
        browser.close()
    return results


def measure_progress_writes(*, var_dir: Path = LESSONS_VAR, clients: int = 4, duration: float = 10.0) -> dict:
    _path, lesson_id = _demo_lesson_server(var_dir)
    with running(var_dir) as base:
        sessions = []
        for index in range(clients):
            session = requests.Session()
            token = session.post(
                f"{base}/api/v1/auth/token",
                json={"phone": f"137000000{index:02d}", "password": DEMO_PASSWORD, "name": "bench"},
                timeout=30,
            ).json()["token"]
            session.headers["Authorization"] = f"Bearer {token}"
            viewing = session.post(f"{base}/api/v1/lessons/{lesson_id}/viewings", timeout=30).json()["id"]
            sessions.append((session, viewing))
        counts = [0] * clients
        failures = [0] * clients
        stop = time.monotonic() + duration

        def client(i):
            session, viewing = sessions[i]
            position = 0.0
            while time.monotonic() < stop:
                position += 0.5
                response = session.post(
                    f"{base}/api/v1/lessons/{lesson_id}/progress",
                    json={"viewing": viewing, "segments": [[0, position]], "position": position},
                    timeout=30,
                )
                if response.status_code == 200:
                    counts[i] += 1
                else:
                    failures[i] += 1

        threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    return {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "writes": sum(counts),
        "failed": sum(failures),
        "writes_per_second": round(sum(counts) / elapsed, 1),
        "load_average_before": os.getloadavg()[0],
    }


MEASUREMENTS = {
    "transcode": measure_transcode,
    "lesson_page": measure_lesson_page,
    "progress_writes": measure_progress_writes,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--measure", action="append", choices=sorted(MEASUREMENTS), help="default: all")
    parser.add_argument("--seconds", type=int, default=60, help="transcode: source length")
    parser.add_argument("--source", choices=sorted(SOURCES), default="testsrc", help="transcode: picture")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--var", type=Path, default=LESSONS_VAR, help="lesson_page, progress_writes: demo data")
    parser.add_argument("--clients", type=int, default=4, help="progress_writes: concurrent residents")
    parser.add_argument("--duration", type=float, default=10.0, help="progress_writes: seconds")
    args = parser.parse_args()

    results = {}
    for name in args.measure or sorted(MEASUREMENTS):
        if name == "transcode":
            results[name] = measure_transcode(seconds=args.seconds, source=args.source)
        elif name == "lesson_page":
            results[name] = measure_lesson_page(var_dir=args.var)
        elif name == "progress_writes":
            results[name] = measure_progress_writes(var_dir=args.var, clients=args.clients, duration=args.duration)
        else:
            results[name] = MEASUREMENTS[name]()
        print(json.dumps({name: results[name]}, ensure_ascii=False, indent=2))
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
