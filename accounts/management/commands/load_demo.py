import datetime as dt
import json
import os
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from accounts.demo import DEMO_OWNERS, SCENARIO_ACCOUNTS, generate_demo_records
from accounts.importer import evidence_import
from accounts.importer.readers import read_path
from accounts.models import Account
from core.roles import ADMIN, LEADER, OWNER

DEMO_PASSWORD = "expansion-demo"
LEADER_LOGIN = ("lee@example.com", "Lee Park")
ADMIN_LOGIN = ("admin@example.com", "Ada Admin")


class Command(BaseCommand):
    help = "Generate the demo book of business (seeded, reproducible), import it and create the demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="do nothing if any account exists")
        parser.add_argument("--seed", type=int, default=20261123)
        parser.add_argument("--accounts", type=int, default=200)
        parser.add_argument("--today", help="the demo's today (default: the real today)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and Account.objects.exists():
            self.stdout.write("Demo data: the database already has accounts; nothing loaded.")
            self._print_logins()
            return
        today = dt.date.fromisoformat(options["today"]) if options["today"] else timezone.now().date()
        started = time.perf_counter()
        path = Path(settings.BASE_DIR) / "var" / "demo" / f"book-{options['seed']}-{options['accounts']}-{today}.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed into place: two processes loading the same book (test
        # workers) never read each other's half-written file.
        partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
        with partial.open("w", encoding="utf-8") as out:
            for record in generate_demo_records(seed=options["seed"], accounts=options["accounts"], today=today):
                if record["type"] == "account" and record["external_id"] in SCENARIO_ACCOUNTS:
                    # The walkthrough's accounts stay in the queue: exempt from the holdout
                    # (an extra attribute of the import format; signals/holdout.py).
                    record = {**record, "holdout": "never"}
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        os.replace(partial, path)
        # Logins first, so the owners the import names are active when the engine scores.
        self._logins()
        # Plays before scoring and history, so the demo's decisions record the play that applied.
        from plays.demo import demo_plays_create

        demo_plays_create()
        self.stdout.write(f"Demo data: importing {path.relative_to(settings.BASE_DIR)} and scoring every account…")
        result = evidence_import(sources=[read_path(path)], channel="demo", source_names=[str(path)])
        for line in result.summary_lines():
            self.stdout.write(f"  {line}")
        # A believable past of decisions and outcomes, so the dashboard is not empty.
        from measurement.demo import demo_history_create

        written = demo_history_create(seed=options["seed"], today=today)
        self.stdout.write(f"  history: {written} past decision(s) and outcome(s) for the pilot dashboard")
        self.stdout.write(f"Demo data loaded in {time.perf_counter() - started:.0f} s.")
        self._print_logins()

    def _logins(self) -> None:
        User = get_user_model()
        groups = {name: Group.objects.get_or_create(name=name)[0] for name in (OWNER, LEADER, ADMIN)}
        people = [(email, name, OWNER) for email, name in DEMO_OWNERS]
        people += [(*LEADER_LOGIN, LEADER), (*ADMIN_LOGIN, ADMIN)]
        for email, full_name, role in people:
            first, _, last = full_name.partition(" ")
            user, _ = User.objects.get_or_create(username=email, defaults={"email": email})
            user.email, user.first_name, user.last_name, user.is_active = email, first, last, True
            user.is_staff = role == ADMIN
            user.is_superuser = role == ADMIN
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.add(groups[role])

    def _print_logins(self) -> None:
        owner = DEMO_OWNERS[0][0]
        self.stdout.write(
            self.style.SUCCESS(
                f"\n  Sign in (the address is printed below) as\n"
                f"    account owner  {owner:<22} password {DEMO_PASSWORD}\n"
                f"    CS leader      {LEADER_LOGIN[0]:<22} password {DEMO_PASSWORD}\n"
                f"    admin          {ADMIN_LOGIN[0]:<22} password {DEMO_PASSWORD}  (/admin/)\n"
            )
        )
