"""Build evidence files in the import format, run the real commands, read the export."""

import datetime as dt
import json
from io import StringIO
from pathlib import Path

from django.core.management import call_command

AS_OF = dt.date(2026, 11, 20)


def ts(days_ago: float, as_of: dt.date = AS_OF) -> str:
    moment = dt.datetime.combine(as_of, dt.time(12), tzinfo=dt.UTC) - dt.timedelta(days=days_ago)
    return moment.isoformat().replace("+00:00", "Z")


def day(days_ago: int, as_of: dt.date = AS_OF) -> str:
    return (as_of - dt.timedelta(days=days_ago)).isoformat()


def _active_owner(email: str) -> None:
    """The account's owner is an active user of the app (as after onboarding)."""
    from django.contrib.auth import get_user_model

    from tests import factories

    if not get_user_model().objects.filter(email__iexact=email).exists():
        factories.owner(username=email, email=email)


class Scenario:
    def __init__(self, tmp_path: Path, external_id: str = "acme", **account: object) -> None:
        self.tmp_path = tmp_path
        self.account = external_id
        self.records: list[dict] = [
            {
                "type": "account",
                "external_id": external_id,
                "name": account.pop("name", "Acme Corp"),
                "owner_email": "dana@example.com",
                "plan": "Growth",
                "seats_purchased": 50,
                "arr": 60000,
                "renewal_date": "2027-03-01",
                "goals": ["Cut month-end close to 3 days"],
                **account,
            }
        ]
        self.files = 0
        if account.get("owner_email", "dana@example.com") == "dana@example.com":
            _active_owner("dana@example.com")

    def add(self, type_: str, **fields: object) -> "Scenario":
        record = {"type": type_, **fields}
        if type_ != "account":
            record.setdefault("account", self.account)
        self.records.append(record)
        return self

    def contact(self, external_id: str, role: str = "champion", **fields: object) -> "Scenario":
        return self.add(
            "contact", external_id=external_id, name=fields.pop("name", external_id.title()), role=role, **fields
        )

    def message(self, external_id: str, text: str, days_ago: float = 3, **fields: object) -> "Scenario":
        return self.add(
            "interaction", external_id=external_id, text=text, occurred_at=ts(days_ago), channel="email", **fields
        )

    def verified_outcome(self, external_id: str = "o1", days_ago: float = 30, **fields: object) -> "Scenario":
        return self.add(
            "outcome",
            external_id=external_id,
            title=fields.pop("title", "Month-end close down from 6 to 3 days"),
            goal="Cut month-end close to 3 days",
            verified=True,
            recorded_at=ts(days_ago),
            **fields,
        )

    def ticket(
        self, external_id: str, status: str = "open", priority: str = "normal", days_ago: float = 5, **fields: object
    ) -> "Scenario":
        return self.add(
            "ticket",
            external_id=external_id,
            subject=fields.pop("subject", "Scheduled exports fail"),
            status=status,
            priority=priority,
            opened_at=ts(days_ago),
            **fields,
        )

    def usage(self, metric: str, values: list[float], department: str = "", limit: float | None = None) -> "Scenario":
        """values[-1] is the as-of day, values[-2] the day before, and so on."""
        for offset, value in enumerate(reversed(values)):
            record = {"metric": metric, "value": value, "date": day(offset), "department": department}
            if limit is not None:
                record["limit"] = limit
            self.add("usage", **record)
        return self

    def import_(self) -> str:
        self.files += 1
        path = self.tmp_path / f"{self.account}-{self.files}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in self.records), encoding="utf-8")
        self.records = []
        out = StringIO()
        call_command("import_evidence", str(path), stdout=out, stderr=StringIO())
        return out.getvalue()


def score(*accounts: str, as_of: dt.date = AS_OF) -> str:
    out = StringIO()
    args = [a for external_id in accounts for a in ("--account", external_id)]
    call_command("score_accounts", *args, "--as-of", as_of.isoformat(), "--write", stdout=out)
    return out.getvalue()


def export(*args: str) -> list[dict]:
    out = StringIO()
    call_command("export_signals", *args, stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]


def only(rows: list[dict], **match: object) -> dict:
    found = [r for r in rows if all(r[k] == v for k, v in match.items())]
    assert len(found) == 1, f"expected one candidate matching {match}, got {rows}"
    return found[0]
