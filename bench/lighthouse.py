"""Lighthouse (mobile profile) accessibility and performance scores for the key pages; goals 95 and 90.

    .venv/bin/python bench/lighthouse.py [--var var/bench-frontend] [--runs 3] [--elder] [--json out.json]

Lighthouse 12.2.3 from npm (bench/lighthouse/package.json; installed here with `npm ci` on first use —
Lighthouse 13 needs Node 22, Debian has 20) drives Debian's Chromium (CHROME_PATH=/usr/bin/chromium) against
the production-like demo server of bench/demo_server.py. Lighthouse's default profile is a mid-range phone
on a throttled "slow 4G" connection with a 4× slower CPU (simulated). Each page is run `--runs` times and
the median score is reported, because on a shared two-core machine single runs vary. `--elder` adds the
same pages in 长辈版 (the cookie sent as an extra header). Exits 1 when a median misses its goal.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))

from demo_server import DEFAULT_VAR, demo_urls, prepare, running  # noqa: E402

HERE = Path(__file__).resolve().parent / "lighthouse"
CLI = HERE / "node_modules" / "lighthouse" / "cli" / "index.js"
GOALS = {"accessibility": 95, "performance": 90}
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking --no-first-run --lang=zh-CN"


def ensure_lighthouse() -> None:
    if not CLI.exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=HERE, check=True)


def run_once(url: str, *, elder: bool) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        command = [
            "node",
            str(CLI),
            url,
            "--only-categories=accessibility,performance",
            "--output=json",
            f"--output-path={report}",
            f"--chrome-flags={CHROME_FLAGS}",
            "--quiet",
        ]
        # A resident's phone asks for Chinese (Django would otherwise serve the English interface).
        headers = {"Accept-Language": "zh-CN,zh;q=0.9", **({"Cookie": "elder_mode=1"} if elder else {})}
        command.append("--extra-headers=" + json.dumps(headers))
        env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
        subprocess.run(command, check=True, env=env)
        data = json.loads(report.read_text(encoding="utf-8"))
    scores = {name: round(data["categories"][name]["score"] * 100) for name in GOALS}
    audits = data["audits"]
    scores["LCP ms"] = round(audits["largest-contentful-paint"]["numericValue"])
    scores["TBT ms"] = round(audits["total-blocking-time"]["numericValue"])
    scores["CLS"] = round(audits["cumulative-layout-shift"]["numericValue"], 3)
    scores["failed a11y audits"] = sorted(
        key
        for key, audit in audits.items()
        if audit.get("score") == 0 and key in _a11y_audit_ids(data) and audit.get("scoreDisplayMode") == "binary"
    )
    return scores


def _a11y_audit_ids(data) -> set[str]:
    return {ref["id"] for ref in data["categories"]["accessibility"]["auditRefs"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--var", type=Path, default=DEFAULT_VAR)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--elder", action="store_true", help="also score the pages in 长辈版")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    ensure_lighthouse()
    prepare(args.var)
    paths = demo_urls(args.var)
    results = {}
    with running(args.var) as base:
        for name, path in paths.items():
            for elder in (False, True) if args.elder else (False,):
                runs = [run_once(base + quote(path, safe="/?=&"), elder=elder) for _ in range(args.runs)]
                median = {key: statistics.median(r[key] for r in runs) for key in (*GOALS, "LCP ms", "TBT ms", "CLS")}
                median["runs"] = [{k: r[k] for k in GOALS} for r in runs]
                median["failed a11y audits"] = sorted({a for r in runs for a in r["failed a11y audits"]})
                results[f"{name}{' + elder' if elder else ''}"] = median

    missed = False
    print(
        f"{'page':<18}{'a11y':>6}{'perf':>6}{'LCP ms':>8}{'TBT ms':>8}{'CLS':>7}  runs (a11y/perf)  failed a11y audits"
    )
    for label, r in results.items():
        ok = all(r[k] >= goal for k, goal in GOALS.items())
        missed |= not ok
        runs = " ".join(f"{x['accessibility']}/{x['performance']}" for x in r["runs"])
        failed = ", ".join(r["failed a11y audits"]) or "—"
        print(
            f"{label:<18}{r['accessibility']:>6.0f}{r['performance']:>6.0f}{r['LCP ms']:>8.0f}{r['TBT ms']:>8.0f}"
            f"{r['CLS']:>7.3f}  {runs:<16}  {failed}{'' if ok else '  MISSED'}"
        )
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
