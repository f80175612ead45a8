from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from projects.devdata.demo import load_demo, stage_workflow

SEEDS = sorted((Path(settings.BASE_DIR) / "fixtures" / "seeds").glob("*.txt"))


class Command(BaseCommand):
    help = "Load frameworks, demo organizations, accounts and the seed forms (idempotent)."

    def handle(self, *args, **options):
        accounts = load_demo()
        call_command("import_text", *[str(p) for p in SEEDS], stdout=self.stdout)
        for name, status in stage_workflow():
            self.stdout.write(f"演示表：{name} → {status}")
        self.stdout.write("")
        self.stdout.write("演示账号（登录地址 http://127.0.0.1:8000/accounts/login/）：")
        for username, password, role, org in accounts:
            self.stdout.write(f"  {username:<18} 密码 {password}  {role}  {org}")
