"""A hypothesis state machine of a candidate's life, through the public path: evidence
files through import_evidence (new messages, repeated files, seats readings, owner
changes), score_accounts --as-of on later days, rule changes in Django admin, and
approve / reject / defer / closed-won through the REST API.

Invariants, checked after every step against the previous snapshot:
- at most one open (pending or deferred) candidate per account and signal type;
- a decided candidate stays decided, and a new candidate after a decided one rests on
  trigger evidence that this machine imported, dated after that decision and not part of
  any earlier decision; after a rejection not before the 60-day cool-down, after an
  approval not while its follow-up is open (no closed won/lost, 90 days);
- every transition writes exactly one event of its kind, and no event without one;
- versions only grow, and every change of status, recommendation or owner grows it.

Decisions through the API happen now (the real clock); the machine's clock only moves
scoring forward, so every imported item is dated on or after the real today."""

import datetime as dt
import itertools
import json
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import Client, TestCase
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from measurement.models import MeasurementEvent
from signals.models import Candidate, Rule
from signals.services import deferrals_return
from tests.lifecycle.lab import ADD_ON, SEATS_AGAIN, SEATS_BUYING, active_user, api, day

pytestmark = pytest.mark.django_db

ACCOUNTS = ("acme", "beta")
OWNERS = ("dana@example.com", "omar@example.com")
TEXTS = {
    "seats": (SEATS_BUYING, SEATS_AGAIN),
    "add_on": (ADD_ON, "Could you tell us what the advanced analytics add-on costs?"),
}
SEATS = 50
OPEN = ("pending", "deferred")
CLOSED = ("approved", "rejected", "expired")
STATUS_EVENT = {"expired": "expired", "approved": "approved", "rejected": "rejected", "deferred": "deferred"}
RULE_CHOICES = {
    "seats_threshold": ("0.90", "0.80"),
    "text_window_days": ("90", "30"),
    "weight_intent": ("30", "25"),
    "value_proof_days": ("365", "1"),
}
FILES = itertools.count()


def _at(offset: int, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day(offset), dt.time(hour), tzinfo=dt.UTC)


class Lifecycle(RuleBasedStateMachine):
    tmp: Path

    def __init__(self) -> None:
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        cache.clear()  # the decisions throttle counts per user across examples
        self.clock = 0
        self.messages: dict[str, dt.datetime] = {}
        self.readings: dict[str, dict[dt.date, float]] = {a: {} for a in ACCOUNTS}
        self.files: list[tuple[Path, list[dict]]] = []
        self.owner = dict.fromkeys(ACCOUNTS, OWNERS[0])
        self.threshold = 0.90
        self.users = {email: active_user(email) for email in OWNERS}
        self.clients = {email: api(user) for email, user in self.users.items()}
        self.admin = Client()
        self.admin.force_login(active_user("ada@example.com", "admin"))
        self.snapshot: dict[int, dict] = {}
        self.event_counts: Counter = Counter()
        self.expect: dict[int, Counter] = {}
        self.ids = itertools.count(1)

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # ------------------------------------------------------------------ the public path

    def _import(self, records: list[dict]) -> None:
        path = Lifecycle.tmp / f"lifecycle-{next(FILES)}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        call_command("import_evidence", str(path), stdout=StringIO(), stderr=StringIO())
        self.files.append((path, records))

    def _score(self) -> None:
        call_command("score_accounts", "--as-of", day(self.clock).isoformat(), "--write", stdout=StringIO())

    def _account(self, account: str) -> dict:
        return {
            "type": "account",
            "external_id": account,
            "name": account.title(),
            "owner_email": self.owner[account],
            "plan": "Growth",
            "seats_purchased": SEATS,
            "arr": 60000,
            "renewal_date": day(400).isoformat(),
        }

    def _reading(self, account: str, used: float) -> dict:
        self.readings[account][day(self.clock)] = used / SEATS
        return {
            "type": "usage",
            "account": account,
            "metric": "seats_used",
            "value": used,
            "date": day(self.clock).isoformat(),
        }

    def _message(self, account: str, signal_type: str, variant: int) -> dict:
        mid = f"{account}-m{next(self.ids)}"
        at = _at(self.clock, 12 if self.clock else 23)
        self.messages[mid] = at
        return {
            "type": "interaction",
            "account": account,
            "external_id": mid,
            "text": TEXTS[signal_type][variant],
            "occurred_at": at.isoformat().replace("+00:00", "Z"),
            "channel": "email",
        }

    @initialize()
    def start(self) -> None:
        records = []
        for account in ACCOUNTS:
            records.append(self._account(account))
            records.append(
                {
                    "type": "outcome",
                    "external_id": f"{account}-o1",
                    "account": account,
                    "title": "Close down to 3 days",
                    "verified": True,
                    "recorded_at": _at(-30).isoformat().replace("+00:00", "Z"),
                }
            )
            records.append(self._message(account, "seats", 0))
            records.append(self._message(account, "add_on", 0))
            records.append(self._reading(account, 47))
        self._import(records)
        self._score()
        self._check_step(expected={})

    # ------------------------------------------------------------------ rules of the machine

    @rule(days=st.sampled_from([1, 2, 7, 30, 61]))
    def later_day(self, days: int) -> None:
        if self.clock + days > 330:
            return
        self.clock += days
        self._score()
        self._check_step(expected={}, returning=True)  # a run also returns the deferrals now due

    @rule(account=st.sampled_from(ACCOUNTS), signal_type=st.sampled_from(sorted(TEXTS)), variant=st.integers(0, 1))
    def new_message(self, account: str, signal_type: str, variant: int) -> None:
        self._import([self._message(account, signal_type, variant)])
        self._check_step(expected={})

    @rule()
    def rescore_same_day(self) -> None:
        self._score()
        self._check_step(expected={}, returning=True)

    def _current(self, record: dict) -> bool:
        if record["type"] == "account":
            return record["owner_email"] == self.owner[record["external_id"]]
        if record["type"] == "usage":
            return self.readings[record["account"]][dt.date.fromisoformat(record["date"])] == record["value"] / SEATS
        return True

    def _unchanged_files(self) -> list[Path]:
        return [path for path, records in self.files if all(self._current(r) for r in records)]

    @precondition(lambda self: bool(self._unchanged_files()))
    @rule(data=st.data())
    def repeat_a_file(self, data: st.DataObject) -> None:
        """Re-import a file already imported whose records all still hold: nothing changes."""
        path = data.draw(st.sampled_from(self._unchanged_files()))
        out = StringIO()
        call_command("import_evidence", str(path), stdout=out, stderr=StringIO())
        assert all(" 0 created, 0 updated" in line for line in out.getvalue().splitlines() if "created" in line), (
            out.getvalue()
        )
        self._check_step(expected={})

    @rule(account=st.sampled_from(ACCOUNTS), used=st.sampled_from([30, 42, 46, 48]))
    def seats_reading(self, account: str, used: float) -> None:
        self._import([self._reading(account, used)])
        self._check_step(expected={})

    @rule(key=st.sampled_from(sorted(RULE_CHOICES)), which=st.integers(0, 1))
    def rule_change(self, key: str, which: int) -> None:
        """An admin changes a rule in Django admin; its save enqueues a rescore of today,
        which this machine runs as of its own day (the day it lives in)."""
        value = RULE_CHOICES[key][which]
        rule_row = Rule.objects.get(key=key, segment="")
        with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
            response = self.admin.post(
                f"/admin/signals/rule/{rule_row.pk}/change/",
                {"key": key, "segment": "", "value": value, "note": "tuning"},
            )
        assert response.status_code == 302, response.content[:300]
        assert callbacks, "a rule change enqueues a rescore"
        if key == "seats_threshold":
            self.threshold = float(value)
        self._score()
        self._check_step(expected={})

    def _open(self) -> list[Candidate]:
        return list(Candidate.objects.filter(status__in=OPEN).select_related("account").order_by("pk"))

    @precondition(lambda self: Candidate.objects.filter(status__in=OPEN).exists())
    @rule(
        data=st.data(),
        action=st.sampled_from(["approve", "reject", "defer"]),
        stale=st.booleans(),
        by_other=st.booleans(),
    )
    def decide(self, data: st.DataObject, action: str, stale: bool, by_other: bool) -> None:
        candidate = data.draw(st.sampled_from(self._open()))
        owner = self.owner[candidate.account.external_id]
        email = OWNERS[1 - OWNERS.index(owner)] if by_other else owner
        version = candidate.version - 1 if stale else candidate.version
        client = self.clients[email]
        url = f"/api/v1/candidates/{candidate.pk}/{action}/"
        if action == "approve":
            body = {"next_step": "Call them", "consent_reviewed": True, "override_reason": "Checked on a call."}
        elif action == "reject":
            body = {"reason_code": "bad_timing"}
        else:
            body = {
                "defer_until": day(self.clock + data.draw(st.sampled_from([5, 30]))).isoformat(),
                "reason": "After their budget cycle",
            }
        response = client.post(url, {**body, "version": version}, format="json")
        if by_other or stale:
            assert response.status_code in (404, 409), (action, by_other, stale, response.status_code, response.content)
            self._check_step(expected={})
            return
        assert response.status_code == 200, (action, response.status_code, response.content)
        status = {"approve": "approved", "reject": "rejected", "defer": "deferred"}[action]
        assert response.json()["status"] == status
        self._check_step(expected={candidate.pk: status}, decided=True)

    @precondition(lambda self: Candidate.objects.filter(status="approved").exists())
    @rule(data=st.data())
    def closed_won(self, data: st.DataObject) -> None:
        candidate = data.draw(
            st.sampled_from(list(Candidate.objects.filter(status="approved").select_related("account").order_by("pk")))
        )
        client = self.clients[self.owner[candidate.account.external_id]]
        response = client.post(
            f"/api/v1/candidates/{candidate.pk}/outcomes/", {"kind": "closed_won", "amount": "1000.00"}, format="json"
        )
        assert response.status_code in (200, 400, 404, 409), response.content
        self._check_step(expected={})

    @rule(account=st.sampled_from(ACCOUNTS))
    def owner_changes_in_import(self, account: str) -> None:
        self.owner[account] = OWNERS[1 - OWNERS.index(self.owner[account])]
        self._import([self._account(account)])
        self._score()
        self._check_step(expected={}, reassigned=account)

    @rule()
    def deferrals_come_back(self) -> None:
        deferrals_return(today=day(self.clock))
        self._check_step(expected={}, returning=True)

    # ------------------------------------------------------------------ the invariants

    @invariant()
    def one_open_per_account_and_type(self) -> None:
        keys = Counter(Candidate.objects.filter(status__in=OPEN).values_list("account_id", "signal_type"))
        assert all(n == 1 for n in keys.values()), keys

    def _check_step(
        self, *, expected: dict[int, str], reassigned: str | None = None, returning: bool = False, decided: bool = False
    ) -> None:
        now = {
            c.pk: {
                "status": c.status,
                "version": c.version,
                "recommendation": c.recommendation,
                "key": (c.account_id, c.signal_type),
                "account": c.account.external_id,
                "owner": c.account.owner_id,
                "closed_at": c.closed_at,
                "decided_at": c.decided_at,
                "first": c.first_detected_on,
                "defer_until": c.defer_until,
                "triggers": [(t.ref, t.at) for t in c.triggers],
            }
            for c in Candidate.objects.select_related("account")
        }
        counts = Counter(MeasurementEvent.objects.filter(candidate__isnull=False).values_list("candidate_id", "kind"))
        closing = set(
            MeasurementEvent.objects.filter(
                kind__in=("closed_won", "closed_lost"), corrections__isnull=True
            ).values_list("candidate_id", flat=True)
        )
        before = self.snapshot
        for pk, c in now.items():
            delta = Counter(
                {
                    kind: counts[(pk, kind)] - self.event_counts[(pk, kind)]
                    for kind in (
                        "signal_created",
                        "expired",
                        "approved",
                        "rejected",
                        "deferred",
                        "returned",
                        "recommendation_changed",
                        "reassigned",
                    )
                }
            )
            old = before.get(pk)
            if old is None:
                assert c["status"] == "pending", c
                assert delta["signal_created"] == 1, (pk, delta)
                self._check_new(pk, c, before, closing)
                continue
            assert delta["signal_created"] == 0, (pk, delta)
            assert c["version"] >= old["version"], ("version went down", pk, old["version"], c["version"])
            changed = any(c[k] != old[k] for k in ("status", "recommendation")) or (
                c["owner"] != old["owner"] and old["status"] in OPEN
            )
            if changed:
                assert c["version"] > old["version"], ("changed without a version bump", pk, old, c)
            if old["status"] in CLOSED:
                assert c["status"] == old["status"], ("a decided candidate changed status", pk, old, c)
            if pk in expected:
                assert c["status"] == expected[pk], (pk, c["status"], expected[pk])
                assert c["version"] > old["version"], ("a decision without a version bump", pk, old, c)
            elif decided:
                assert c == old, ("a decision on one candidate changed another", pk, old, c)
            moved = c["status"] != old["status"] or pk in expected
            for status, kind in STATUS_EVENT.items():
                want = 1 if moved and c["status"] == status else 0
                assert delta[kind] == want, (f"{kind} events written", pk, old["status"], c["status"], delta)
            due = old["status"] == "deferred" and old["defer_until"] <= day(self.clock)
            # a due deferral comes back first; the same run expires it if it is no longer detected
            returned_then_expired = returning and due and c["status"] == "expired"
            want_returned = (
                1 if old["status"] == "deferred" and (c["status"] == "pending" or returned_then_expired) else 0
            )
            assert delta["returned"] == want_returned, ("returned events", pk, old, c, delta)
            if want_returned and not (returning and old["defer_until"] <= day(self.clock)):
                # before its date only when new evidence changed its recommendation
                assert c["recommendation"] != old["recommendation"], (
                    "returned early, recommendation unchanged",
                    old,
                    c,
                )
            if returning and old["status"] == "deferred" and old["defer_until"] <= day(self.clock):
                assert c["status"] != "deferred", ("a deferral past its date did not return", pk, old, c)
            rec_changed = 1 if c["recommendation"] != old["recommendation"] else 0
            if old["status"] in OPEN:
                assert delta["recommendation_changed"] == rec_changed, ("recommendation events", pk, old, c, delta)
            want_reassigned = (
                1 if reassigned == c["account"] and old["status"] in OPEN and c["owner"] != old["owner"] else 0
            )
            assert delta["reassigned"] == want_reassigned, ("reassigned events", pk, old, c, delta)
        for pk in before:
            assert pk in now, ("a candidate disappeared", pk)
        self.snapshot = now
        self.event_counts = counts

    def _check_new(self, pk: int, c: dict, before: dict, closing: set[int]) -> None:
        """A new candidate where one of the same account and type was decided before."""
        closed = [o for opk, o in before.items() if o["key"] == c["key"] and o["status"] in CLOSED]
        if not closed:
            return
        latest_pk, latest = max(
            ((opk, o) for opk, o in before.items() if o in closed), key=lambda item: (item[1]["closed_at"], item[0])
        )
        since = latest["closed_at"]
        decided_refs = {ref for o in closed for ref, _ in o["triggers"]}
        fresh = [(ref, at) for ref, at in c["triggers"] if ref not in decided_refs and at > since]
        assert fresh, ("a decided candidate came back without new trigger evidence", c, latest)
        account = c["account"]
        backed = []
        for ref, at in fresh:
            if ref in self.messages:
                backed.append(self.messages[ref] == at and at > since)
            elif ref.startswith("seats:"):
                crossed = dt.date.fromisoformat(ref.split(":", 1)[1])
                series = self.readings[account]
                earlier = [d for d in series if d < crossed]
                backed.append(
                    series.get(crossed, 0) >= self.threshold
                    and crossed > since.date()
                    and (not earlier or series[max(earlier)] < self.threshold)
                )
            else:
                backed.append(False)
        assert any(backed), (
            "new trigger evidence not backed by an imported item after the decision",
            fresh,
            self.readings,
        )
        if latest["status"] == "rejected":
            assert c["first"] >= since.date() + dt.timedelta(days=60), ("inside the rejection cool-down", c, latest)
        if latest["status"] == "approved" and latest_pk not in closing:
            assert c["first"] >= since.date() + dt.timedelta(days=90), ("queued while the follow-up is open", c, latest)


def test_the_lifecycle_state_machine(tmp_path: Path) -> None:
    Lifecycle.tmp = tmp_path
    run_state_machine_as_test(
        Lifecycle,
        settings=settings(
            max_examples=15,
            stateful_step_count=15,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
