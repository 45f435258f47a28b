"""python manage.py import_courses FILE [--provider NAME] [--create-missing] [--dry-run] [--skip-bad-rows]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courses.importing import ImportFileError, form_word_note, import_courses


class Command(BaseCommand):
    help = "从 CSV、XLSX 或 JSON 文件批量导入课程并发布（格式见 docs/import-format.md）。"

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--provider", default="", help="文件中没有填写办学机构的行，使用这个机构。")
        parser.add_argument("--create-missing", action="store_true", help="自动创建不存在的机构、类别、人群和乡镇。")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不导入。")
        parser.add_argument("--skip-bad-rows", action="store_true", help="跳过有错误的行，导入其余的行。")

    def handle(self, *args, file: Path, provider: str, create_missing: bool, dry_run: bool, skip_bad_rows: bool, **kw):
        if not file.is_file():
            raise CommandError(f"找不到文件：{file}")
        try:
            report = import_courses(
                file,
                default_provider=provider.strip(),
                create_missing=create_missing,
                dry_run=dry_run,
                skip_bad_rows=skip_bad_rows,
            )
        except ImportFileError as exc:
            raise CommandError(str(exc))
        for error in report.errors:
            self.stderr.write(str(error))
        for row in report.valid:
            if row.form_word:
                self.stdout.write(form_word_note(row))
        if report.errors and not skip_bad_rows and not dry_run:
            raise CommandError(
                f"{len(report.errors)} 行有错误，未导入任何课程。改正后重试，或加 --skip-bad-rows 跳过这些行。"
            )
        if dry_run:
            counts = f"共 {report.rows} 行，{len(report.valid)} 行可以导入，{len(report.errors)} 行有错误"
            self.stdout.write(f"检查完毕（未导入）：{counts}。")
            return
        for kind, names in report.created.items():
            self.stdout.write(f"新建{kind}：{'、'.join(names)}")
        skipped = f"，跳过 {len(report.errors)} 行" if report.errors else ""
        self.stdout.write(self.style.SUCCESS(f"已导入并发布 {len(report.imported)} 门课程{skipped}。"))
