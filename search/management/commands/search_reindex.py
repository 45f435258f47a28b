"""python manage.py search_reindex: rebuild the course search indexes while the site keeps serving."""

import sys
import time

from django.core.management.base import BaseCommand

from search.services import search_reindex


class Command(BaseCommand):
    help = (
        "重建课程搜索索引（数据库引擎；配置了 SEARCH_URL 时也重建搜索服务器 Elasticsearch 或 OpenSearch）。"
        "网站可照常访问。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条（例如在定时任务中）。")
        parser.add_argument(
            "--only-server", action="store_true", help="只重建搜索服务器的索引（例如它的索引丢失之后）。"
        )
        parser.add_argument("--batch-size", type=int, default=200, help="每批索引的课程数。")

    def handle(self, *args, no_progress: bool = False, only_server: bool = False, batch_size: int = 200, **options):
        started = time.monotonic()
        show = not no_progress and options.get("verbosity", 1) > 0
        stats = search_reindex(
            progress=self._progress if show else None, batch_size=batch_size, only_server=only_server
        )
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"已索引 {stats['indexed']} 门课程，移除 {stats['removed']} 条过期索引，用时 {elapsed:.1f} 秒。"
            )
        )

    def _progress(self, items, total):
        """A plain-text progress bar on stderr (no extra dependency); redraws at most 100 times."""
        width, step = 30, max(1, total // 100)
        stream = self.stderr._out if hasattr(self.stderr, "_out") else sys.stderr
        for done, item in enumerate(items, start=1):
            yield item
            if done % step == 0 or done == total:
                filled = int(width * done / total) if total else width
                stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
                stream.flush()
        if total:
            stream.write("\n")
