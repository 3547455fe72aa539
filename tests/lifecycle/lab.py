"""Helpers: evidence files dated relative to the real today, the real commands, the REST API."""

import datetime as dt
import json
from io import StringIO
from pathlib import Path
from typing import TYPE_CHECKING

from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests import factories

if TYPE_CHECKING:
    from rest_framework.response import _MonkeyPatchedResponse

    from signals.models import Candidate

SEATS_BUYING = "We need 20 more seats by 1 March; Maria (VP Ops) signed off."
SEATS_AGAIN = "Our team is expanding again. We need 15 more seats on our license next month."
ADD_ON = "We're interested in exploring your advanced analytics package."
CAPACITY = "Is there a way to increase our storage capacity?"


def today() -> dt.date:
    return timezone.now().date()


def day(offset: int) -> dt.date:
    """The day `offset` days from the real today (decisions through the API happen now)."""
    return today() + dt.timedelta(days=offset)


def ts(offset: float, hour: int = 12) -> str:
    moment = dt.datetime.combine(today(), dt.time(hour), tzinfo=dt.UTC) + dt.timedelta(days=offset)
    return moment.isoformat().replace("+00:00", "Z")


def active_user(email: str, role: str = "owner") -> User:
    from django.contrib.auth import get_user_model

    found = get_user_model().objects.filter(email__iexact=email).first()
    if found is not None:
        return found
    make = {"owner": factories.owner, "leader": factories.leader, "admin": factories.admin}[role]
    return make(username=email, email=email)


class Files:
    """Evidence in the import format, written to files and imported with import_evidence."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.records: list[dict] = []
        self.count = 0
        self.last: Path | None = None

    def account(self, external_id: str, owner_email: str | None = "dana@example.com", **fields: object) -> "Files":
        record = {
            "type": "account",
            "external_id": external_id,
            "name": fields.pop("name", external_id.title()),
            "plan": "Growth",
            "seats_purchased": 50,
            "arr": 60000,
            "renewal_date": day(200).isoformat(),
            "goals": ["Cut month-end close to 3 days"],
            **fields,
        }
        if owner_email is not None:
            record["owner_email"] = owner_email
        self.records.append(record)
        return self

    def proof(self, account: str, external_id: str | None = None, offset: float = -30) -> "Files":
        self.records.append(
            {
                "type": "outcome",
                "external_id": external_id or f"{account}-o1",
                "account": account,
                "title": "Month-end close down from 6 to 3 days",
                "goal": "Cut month-end close to 3 days",
                "verified": True,
                "recorded_at": ts(offset),
            }
        )
        return self

    def message(self, account: str, external_id: str, text: str, offset: float, **fields: object) -> "Files":
        self.records.append(
            {
                "type": "interaction",
                "account": account,
                "external_id": external_id,
                "text": text,
                "occurred_at": ts(offset),
                "channel": "email",
                **fields,
            }
        )
        return self

    def seats(self, account: str, used: float, offset: int) -> "Files":
        self.records.append(
            {
                "type": "usage",
                "account": account,
                "metric": "seats_used",
                "value": used,
                "date": day(offset).isoformat(),
            }
        )
        return self

    def ticket(
        self, account: str, external_id: str, offset: float, status: str = "open", priority: str = "normal"
    ) -> "Files":
        self.records.append(
            {
                "type": "ticket",
                "account": account,
                "external_id": external_id,
                "subject": "Scheduled exports fail",
                "status": status,
                "priority": priority,
                "opened_at": ts(offset),
            }
        )
        return self

    def write(self) -> Path:
        self.count += 1
        path = self.tmp_path / f"evidence-{self.count}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in self.records), encoding="utf-8")
        self.records = []
        self.last = path
        return path

    def import_(self, path: Path | None = None) -> str:
        path = path or self.write()
        out = StringIO()
        call_command("import_evidence", str(path), stdout=out, stderr=StringIO())
        return out.getvalue()


def score(offset: int = 0, *accounts: str) -> str:
    out = StringIO()
    args = [a for external_id in accounts for a in ("--account", external_id)]
    call_command("score_accounts", *args, "--as-of", day(offset).isoformat(), "--write", stdout=out)
    return out.getvalue()


def export(*args: str) -> list[dict]:
    out = StringIO()
    call_command("export_signals", *args, stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]


def rows(account: str, signal_type: str | None = None, status: str | None = None) -> list[dict]:
    found = export("--account", account)
    return [
        r
        for r in found
        if (signal_type is None or r["signal_type"] == signal_type) and (status is None or r["status"] == status)
    ]


def api(user: User) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def approve(
    client: APIClient, pk: int | str, version: int | None = None, override: str = "Confirmed on a call."
) -> "_MonkeyPatchedResponse":
    body = {"next_step": "Call Maria about the seats", "consent_reviewed": True, "override_reason": override}
    if version is not None:
        body["version"] = version
    return client.post(f"/api/v1/candidates/{pk}/approve/", body, format="json")


def reject(
    client: APIClient, pk: int | str, reason: str = "bad_timing", version: int | None = None
) -> "_MonkeyPatchedResponse":
    body: dict = {"reason_code": reason, "note": "checked"}
    if version is not None:
        body["version"] = version
    return client.post(f"/api/v1/candidates/{pk}/reject/", body, format="json")


def defer(client: APIClient, pk: int | str, until: dt.date, version: int | None = None) -> "_MonkeyPatchedResponse":
    body: dict = {"defer_until": until.isoformat(), "reason": "After their budget cycle"}
    if version is not None:
        body["version"] = version
    return client.post(f"/api/v1/candidates/{pk}/defer/", body, format="json")


def candidates(account: str, signal_type: str) -> "list[Candidate]":
    from signals.models import Candidate

    return list(Candidate.objects.filter(account__external_id=account, signal_type=signal_type).order_by("pk"))


def events(pk: int | str, kind: str | None = None) -> list[str]:
    from measurement.models import MeasurementEvent

    qs = MeasurementEvent.objects.filter(candidate_id=int(pk)).order_by("pk")
    if kind is not None:
        qs = qs.filter(kind=kind)
    return list(qs.values_list("kind", flat=True))


def change_rule(client: Client, key: str, value: str, capture: DjangoCaptureOnCommitCallbacks) -> int:
    """Change a rule as an admin in Django admin; the save rescores (run its on-commit hook)."""
    from signals.models import Rule

    rule = Rule.objects.get(key=key, segment="")
    with capture(execute=True):
        response = client.post(
            f"/admin/signals/rule/{rule.pk}/change/",
            {"key": key, "segment": "", "value": value, "note": "pilot tuning"},
        )
    assert response.status_code == 302, response.content[:500]
    assert Rule.objects.get(pk=rule.pk).value == value
    return response.status_code
