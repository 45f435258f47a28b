"""Bytes a phone receives on a first visit to each key page; budget 100 KB each, photos excluded.

    .venv/bin/python bench/page_weight.py [--var var/bench-frontend] [--fresh] [--json out.json]

A production-like server (bench/demo_server.py: DEBUG off, gunicorn, WhiteNoise, GZip) over the demo
district; Debian's Chromium (through Playwright) loads each page in a fresh profile, i.e. with an empty
cache, and every response is counted as it crossed the wire: encoded (compressed) body plus headers, as
Chromium reports them (`Request.sizes()`). Each page is loaded in normal mode and in 长辈版; 我的学习 as the
demo resident (13700000000), logged in beforehand. Images are
listed but do not count against the budget (the issue's budget excludes photos). Exits 1 when a page is
over budget.
"""

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))

from demo_server import DEFAULT_VAR, demo_urls, prepare, running  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

BUDGET = 100 * 1024
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
DEMO_RESIDENT = "13700000000"  # jizhou/demo.py: 居民（示例）
DEMO_PASSWORD = "jizhou-demo-2026"
KINDS = {"document": "html", "stylesheet": "css", "script": "js", "font": "font", "image": "image"}


def measure(browser, url: str, *, elder: bool, login: str | None = None) -> dict[str, int]:
    cookies = [{"name": "elder_mode", "value": "1", "url": url}] if elder else []
    if login:
        # Log in first in a context of its own (not counted) and carry only its cookies over: the page is
        # still measured with an empty cache, like a resident who logged in yesterday.
        with_login = browser.new_context(locale="zh-CN")
        page = with_login.new_page()
        page.goto(login)
        page.get_by_label("手机号码").fill(DEMO_RESIDENT)
        page.get_by_label("密码").fill(DEMO_PASSWORD)
        page.get_by_role("main").get_by_role("button", name="登录").click()
        page.wait_for_load_state()
        cookies += with_login.cookies()
        with_login.close()
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="zh-CN")
    if cookies:
        context.add_cookies(cookies)
    page = context.new_page()
    finished = []
    page.on("requestfinished", lambda request: finished.append(request))
    response = page.goto(url, wait_until="networkidle")
    if response is None or response.status != 200:
        sys.exit(f"{url}: HTTP {response.status if response else '—'}")
    totals: dict[str, int] = defaultdict(int)
    for request in finished:
        sizes = request.sizes()
        kind = KINDS.get(request.resource_type, "other")
        totals[kind] += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        totals["requests"] += 1
    context.close()
    totals["total"] = sum(v for k, v in totals.items() if k not in {"image", "requests"})
    return dict(totals)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--var", type=Path, default=DEFAULT_VAR)
    parser.add_argument("--fresh", action="store_true", help="rebuild the demo database first")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    prepare(args.var, fresh=args.fresh)
    paths = demo_urls(args.var)
    results = {}
    with running(args.var) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        pages = {name: (path, None) for name, path in paths.items()}
        pages["my learning"] = ("/me/learning/", base + "/accounts/login/")  # 我的学习, logged in
        for name, (path, login) in pages.items():
            for elder in (False, True):
                label = f"{name}{' + elder' if elder else ''}"
                results[label] = measure(browser, base + quote(path, safe="/?=&"), elder=elder, login=login)
        browser.close()

    print(f"{'page':<22}{'html':>8}{'css':>8}{'js':>8}{'font':>8}{'other':>8}{'total':>9}  budget  (images, requests)")
    over = False
    for label, r in results.items():
        ok = r["total"] <= BUDGET
        over |= not ok
        row = "".join(f"{r.get(k, 0) / 1024:>7.1f}K" for k in ("html", "css", "js", "font", "other"))
        print(
            f"{label:<22}{row}{r['total'] / 1024:>8.1f}K  {'ok' if ok else 'OVER':<6}  "
            f"({r.get('image', 0) / 1024:.1f}K, {r['requests']})"
        )
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
