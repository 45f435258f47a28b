"""python manage.py setup_site [--name NAME]: a working empty site on a fresh database (migrate, then the
home page, the course catalogue and the role groups). Safe to run again; load_demo may follow."""

from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand

from jizhou.site_setup import DEFAULT_SITE_NAME, site_ensure


class Command(BaseCommand):
    help = "新建网站：迁移数据库，建立首页、课程目录页和角色组（可重复运行）。"

    def add_arguments(self, parser):
        parser.add_argument("--name", default=DEFAULT_SITE_NAME, help="网站名称（首页标题）")
        parser.add_argument("--skip-migrate", action="store_true", help="数据库已经迁移过")

    def handle(self, *args, name: str, skip_migrate: bool, **options):
        if not skip_migrate:
            call_command("migrate", interactive=False, verbosity=max(0, options["verbosity"] - 1))
        setup = site_ensure(site_name=name.strip() or DEFAULT_SITE_NAME)
        made = "、".join(setup.created) or "无（已存在）"
        self.stdout.write(f"新建：{made}")
        self.stdout.write(f"角色组：{'、'.join(Group.objects.order_by('name').values_list('name', flat=True))}")
        self.stdout.write(self.style.SUCCESS(f"网站已就绪：首页 {setup.home.url_path}，课程目录 {setup.catalogue.url}"))
