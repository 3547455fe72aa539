"""What the engine knows about one account as of a day, gathered set-based.

Each `*_facts` function runs a fixed number of queries for any number of accounts;
none loops over accounts with a query inside.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Manager, Max, Min, Model, Q, QuerySet

from accounts.models import (
    UNRESOLVED_TICKET_STATUSES,
    Account,
    Contact,
    DepartmentFirstUse,
    Interaction,
    Outcome,
    Ticket,
    UsageDaily,
)
from core.sql import AnyOf, id_filter_sql
from core.text import excerpt
from signals.rules import RuleSet
from signals.vocabulary import metric_label

TREND_METRICS = ("active_users", "api_calls", "seats_used")
DECLINE_METRICS = ("active_users", "seats_used")
TREND_WEEKS = 8
LATEST_LOOKBACK_DAYS = 14  # how stale the "latest" usage reading may be
LEADER_ROLES = ("decision_maker", "champion")


@dataclass(frozen=True)
class Item:
    """One evidence item the brief can cite."""

    id: str
    kind: str  # interaction | ticket | outcome | usage | account | event
    at: dt.datetime | dt.date | None
    summary: str


@dataclass
class TextSignal:
    item: Item
    signal_type: str
    intent: str
    contact_id: int | None
    contact_name: str
    contact_role: str
    contact_title: str
    department: str
    text: str
    matched_rules: list[str] = field(default_factory=list)


@dataclass
class UsageSignal:
    signal_type: str
    code: str  # seats | capacity | growth | new_department | decline
    item: Item
    department: str = ""
    numbers: dict = field(default_factory=dict)


@dataclass
class Stakeholder:
    contact_id: int
    name: str
    role: str
    title: str
    department: str
    first_engaged: dt.datetime | None
    last_engaged: dt.datetime | None


@dataclass
class AccountFacts:
    account: Account
    owner_active: bool
    texts: list[TextSignal] = field(default_factory=list)
    conflicts: list[tuple[Item, str]] = field(default_factory=list)
    opt_outs: list[Item] = field(default_factory=list)  # the customer refused sales outreach in writing
    unresolved_tickets: list[Ticket] = field(default_factory=list)
    verified_outcomes: list[Outcome] = field(default_factory=list)
    unverified_outcomes: list[Outcome] = field(default_factory=list)
    usage: list[UsageSignal] = field(default_factory=list)
    declines: list[UsageSignal] = field(default_factory=list)
    stakeholders: list[Stakeholder] = field(default_factory=list)


def day_end(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)


def _in[M: Model](qs: QuerySet[M] | Manager[M], field_name: str, ids: list[int] | None) -> QuerySet[M]:
    return qs.all() if ids is None else qs.filter(AnyOf(field_name, ids))


def account_facts(
    *,
    account_ids: list[int] | None,
    as_of: dt.date,
    rules_for: "RulesLookup",
    accounts: dict[int, Account] | None = None,
) -> dict[int, AccountFacts]:
    """`accounts`, when given, are these ids' accounts already loaded with their owner."""
    loaded = (
        accounts.values() if accounts is not None else _in(Account.objects.select_related("owner"), "id", account_ids)
    )
    facts = {a.pk: AccountFacts(account=a, owner_active=a.owner is not None and a.owner.is_active) for a in loaded}
    if not facts:
        return facts
    ids = account_ids
    widest = rules_for.widest()
    _text_facts(facts, ids, as_of, widest, rules_for)
    _ticket_facts(facts, ids, as_of)
    _outcome_facts(facts, ids, as_of, widest, rules_for)
    _latest_usage_facts(facts, ids, as_of, rules_for)
    _crossing_facts(facts, as_of, rules_for)
    _trend_facts(facts, ids, as_of, rules_for)
    _new_department_facts(facts, ids, as_of, widest, rules_for)
    _stakeholder_facts(facts, ids, as_of, widest, rules_for)
    return facts


class RulesLookup:
    """Effective rules per segment, with the default for segments without overrides."""

    def __init__(self, by_segment: dict[str, RuleSet], default: RuleSet) -> None:
        self.by_segment = by_segment
        self.default = default

    def for_account(self, account: Account) -> RuleSet:
        return self.by_segment.get(account.segment, self.default)

    def widest(self) -> RuleSet:
        """For set-based queries: the widest window of any segment, narrowed per account later."""
        merged = dict(self.default.values)
        for rules in self.by_segment.values():
            for key, value in rules.values.items():
                if key.endswith("_days") and isinstance(value, int):
                    merged[key] = max(merged[key], value)
        return RuleSet(merged)


def _text_facts(
    facts: dict[int, AccountFacts], ids: list[int] | None, as_of: dt.date, widest: RuleSet, rules_for: RulesLookup
) -> None:
    end = day_end(as_of)
    window = max(widest.text_window_days, widest.conflict_window_days)
    start = end - dt.timedelta(days=window)
    rows = (
        _in(Interaction.objects, "account_id", ids)
        .filter(direction="inbound", occurred_at__gte=start, occurred_at__lt=end)
        .filter(~Q(signal_type__in=("", "none")) | ~Q(conflict="") | Q(opt_out=True))
        .select_related("contact")
    )
    for msg in rows.only(
        "external_id",
        "account_id",
        "text",
        "occurred_at",
        "signal_type",
        "intent",
        "conflict",
        "contact__name",
        "contact__role",
        "contact__title",
        "contact__department",
        "source",
        "matched_rules",
        "opt_out",
    ):
        _add_text(
            facts[msg.account_id],
            rules_for,
            end,
            msg.external_id,
            "interaction",
            msg.occurred_at,
            msg.text,
            msg.signal_type,
            msg.intent,
            msg.conflict,
            msg.contact,
            msg.matched_rules,
            msg.opt_out,
        )
    tickets = (
        _in(Ticket.objects, "account_id", ids)
        .filter(opened_at__gte=start, opened_at__lt=end)
        .filter(~Q(signal_type__in=("", "none")) | ~Q(conflict="") | Q(opt_out=True))
        .select_related("contact")
    )
    for t in tickets:
        _add_text(
            facts[t.account_id],
            rules_for,
            end,
            t.external_id,
            "ticket",
            t.opened_at,
            f"{t.subject}. {t.body}".strip(),
            t.signal_type,
            t.intent,
            t.conflict,
            t.contact,
            t.matched_rules,
            t.opt_out,
        )


def _add_text(
    f: AccountFacts,
    rules_for: RulesLookup,
    end: dt.datetime,
    external_id: str,
    kind: str,
    at: dt.datetime,
    text: str,
    signal_type: str,
    intent: str,
    conflict: str,
    contact: Contact | None,
    matched_rules: list[str] | None = None,
    opt_out: bool = False,
) -> None:
    rules = rules_for.for_account(f.account)
    item = Item(external_id, kind, at, _excerpt(text))
    if conflict and at >= end - dt.timedelta(days=rules.conflict_window_days):
        f.conflicts.append((item, conflict))
    if opt_out and at >= end - dt.timedelta(days=rules.conflict_window_days):
        f.opt_outs.append(item)
    if signal_type and signal_type != "none" and at >= end - dt.timedelta(days=rules.text_window_days):
        f.texts.append(
            TextSignal(
                item=item,
                signal_type=signal_type,
                intent=intent or "curious",
                contact_id=contact.pk if contact else None,
                contact_name=contact.name if contact else "",
                contact_role=contact.role if contact else "",
                contact_title=contact.title if contact else "",
                department=contact.department if contact else "",
                text=text,
                matched_rules=list(matched_rules or []),
            )
        )


def _excerpt(text: str, limit: int = 160) -> str:
    return excerpt(text, limit)


def _ticket_facts(facts: dict[int, AccountFacts], ids: list[int] | None, as_of: dt.date) -> None:
    end = day_end(as_of)
    rows = (
        _in(Ticket.objects, "account_id", ids)
        .filter(status__in=UNRESOLVED_TICKET_STATUSES, opened_at__lt=end)
        .only("external_id", "account_id", "subject", "status", "priority", "opened_at")
    )
    for ticket in rows.order_by("opened_at"):
        facts[ticket.account_id].unresolved_tickets.append(ticket)


def _outcome_facts(
    facts: dict[int, AccountFacts], ids: list[int] | None, as_of: dt.date, widest: RuleSet, rules_for: RulesLookup
) -> None:
    end = day_end(as_of)
    start = end - dt.timedelta(days=widest.value_proof_days)
    rows = _in(Outcome.objects, "account_id", ids).filter(recorded_at__gte=start, recorded_at__lt=end)
    for outcome in rows.order_by("-recorded_at"):
        f = facts[outcome.account_id]
        rules = rules_for.for_account(f.account)
        if outcome.recorded_at < end - dt.timedelta(days=rules.value_proof_days):
            continue
        (f.verified_outcomes if outcome.verified else f.unverified_outcomes).append(outcome)


def _latest_usage_facts(
    facts: dict[int, AccountFacts], ids: list[int] | None, as_of: dt.date, rules_for: RulesLookup
) -> None:
    """Seats used against seats purchased, and any metric against its limit, on the latest day."""
    start = as_of - dt.timedelta(days=LATEST_LOOKBACK_DAYS - 1)
    table = UsageDaily._meta.db_table
    account_filter, params = _account_filter_sql(ids)
    wanted = f"""date BETWEEN %s AND %s AND (metric = 'seats_used' OR "limit" IS NOT NULL) {account_filter}"""
    if connection.vendor == "postgresql":
        # One pass over the window's rows (the join below read them twice).
        sql = f"""
            SELECT DISTINCT ON (account_id, metric, department)
                   account_id, metric, department, date, value, "limit"
            FROM {table} WHERE {wanted}
            ORDER BY account_id, metric, department, date DESC
        """
        args = [start, as_of, *params]
    else:
        sql = f"""
            SELECT u.account_id, u.metric, u.department, u.date, u.value, u."limit"
            FROM {table} u
            JOIN (
                SELECT account_id, metric, department, MAX(date) AS latest
                FROM {table} WHERE {wanted}
                GROUP BY account_id, metric, department
            ) l ON u.account_id = l.account_id AND u.metric = l.metric
               AND u.department = l.department AND u.date = l.latest
            WHERE u.date BETWEEN %s AND %s {account_filter.replace("account_id", "u.account_id")}
        """
        args = [start, as_of, *params, start, as_of, *params]
    seats: dict[int, list[tuple]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        for account_id, metric, department, day, value, limit in cursor.fetchall():
            day = _as_date(day)
            if metric == "seats_used":
                seats[account_id].append((day, value, department))
            elif limit:
                f = facts[account_id]
                rules = rules_for.for_account(f.account)
                share = value / limit
                if share >= rules.capacity_threshold:
                    where = f" ({department})" if department else ""
                    f.usage.append(
                        UsageSignal(
                            "capacity",
                            "capacity",
                            Item(
                                f"usage:{metric}:{day.isoformat()}",
                                "usage",
                                day,
                                f"{_metric_name(metric)}{where} at {value:,.0f} of a {limit:,.0f} limit ({share:.0%}) on {day:%-d %b}",
                            ),
                            department,
                            {"metric": metric, "value": value, "limit": limit, "share": share},
                        )
                    )
    for account_id, readings in seats.items():
        f = facts[account_id]
        purchased = f.account.seats_purchased
        if not purchased:
            continue
        latest = max(day for day, _, _ in readings)
        used = sum(value for day, value, _ in readings if day == latest)
        share = used / purchased
        if share >= rules_for.for_account(f.account).seats_threshold:
            f.usage.append(
                UsageSignal(
                    "seats",
                    "seats",
                    Item(
                        f"usage:seats_used:{latest.isoformat()}",
                        "usage",
                        latest,
                        f"{used:,.0f} of {purchased:,} purchased seats in use ({share:.0%}) on {latest:%-d %b}",
                    ),
                    "",
                    {"used": used, "purchased": purchased, "share": share},
                )
            )


CROSSING_LOOKBACK_DAYS = 365


def _crossing_facts(facts: dict[int, AccountFacts], as_of: dt.date, rules_for: "RulesLookup") -> None:
    """The first day of the current run at or over the threshold, for each seats or
    capacity signal: the crossing is the trigger, so fresh daily readings of the same
    run are the same evidence, and a fall below and a new crossing are new evidence.
    One query for the accounts that have such a signal."""
    wanted = [(f, u) for f in facts.values() for u in f.usage if u.code in ("seats", "capacity")]
    if not wanted:
        return
    account_ids = sorted({f.account.pk for f, _ in wanted})
    metrics = sorted({"seats_used"} | {u.numbers["metric"] for _, u in wanted if u.code == "capacity"})
    rows = UsageDaily.objects.filter(
        AnyOf("account_id", account_ids),
        metric__in=metrics,
        date__gt=as_of - dt.timedelta(days=CROSSING_LOOKBACK_DAYS),
        date__lte=as_of,
    ).values_list("account_id", "metric", "department", "date", "value", "limit")
    seats: dict[int, dict[dt.date, float]] = defaultdict(lambda: defaultdict(float))
    capacity: dict[tuple[int, str, str], dict[dt.date, float]] = defaultdict(dict)
    for account_id, metric, department, day, value, limit in rows.iterator(5000):
        if metric == "seats_used":
            seats[account_id][day] += value
        if limit:
            capacity[(account_id, metric, department)][day] = value / limit
    for f, u in wanted:
        rules = rules_for.for_account(f.account)
        if u.code == "seats":
            purchased = f.account.seats_purchased or 0
            series = {day: used / purchased for day, used in seats[f.account.pk].items()} if purchased else {}
            threshold = rules.seats_threshold
        else:
            series = capacity[(f.account.pk, u.numbers["metric"], u.department)]
            threshold = rules.capacity_threshold
        crossed = _run_start(series, threshold)
        if crossed:
            u.numbers["crossed_on"] = crossed.isoformat()


def _run_start(series: dict[dt.date, float], threshold: float) -> dt.date | None:
    """The first day of the latest unbroken run of readings at or over the threshold."""
    start = None
    for day in sorted(series, reverse=True):
        if series[day] < threshold:
            break
        start = day
    return start


def _trend_facts(facts: dict[int, AccountFacts], ids: list[int] | None, as_of: dt.date, rules_for: RulesLookup) -> None:
    """Weekly averages over 8 weeks: sustained growth (not one spike) and sustained decline."""
    table = UsageDaily._meta.db_table
    start = as_of - dt.timedelta(days=7 * TREND_WEEKS - 1)
    if connection.vendor == "postgresql":
        bucket = "(%s::date - date) / 7"
    else:
        bucket = "CAST((julianday(%s) - julianday(date)) / 7 AS INTEGER)"
    account_filter, params = _account_filter_sql(ids)
    metrics = ", ".join(f"'{m}'" for m in TREND_METRICS)
    sql = f"""
        SELECT account_id, metric, {bucket} AS week, SUM(value) / COUNT(DISTINCT date), MAX(date)
        FROM {table}
        WHERE metric IN ({metrics}) AND date BETWEEN %s AND %s {account_filter}
        GROUP BY account_id, metric, week
    """
    series: dict[tuple[int, str], dict[int, tuple[float, dt.date]]] = defaultdict(dict)
    with connection.cursor() as cursor:
        cursor.execute(sql, [as_of, start, as_of, *params])
        for account_id, metric, week, avg, last_day in cursor.fetchall():
            series[(account_id, metric)][int(week)] = (float(avg), _as_date(last_day))
    for (account_id, metric), weeks in series.items():
        if len(weeks) < TREND_WEEKS:
            continue  # a trend needs every week: growth is misread on partial data
        values = [weeks[w][0] for w in range(TREND_WEEKS - 1, -1, -1)]  # oldest first
        first, last = values[0], values[-1]
        if first <= 0:
            continue
        change = (last - first) / first
        rising = sum(1 for a, b in zip(values, values[1:], strict=False) if b > a)
        f = facts[account_id]
        rules = rules_for.for_account(f.account)
        last_day = weeks[0][1]
        item_id = f"usage:{metric}:{last_day.isoformat()}"
        if change >= rules.growth_threshold and rising >= (TREND_WEEKS - 1) // 2 + 1:
            f.usage.append(
                UsageSignal(
                    "scale",
                    "growth",
                    Item(
                        item_id,
                        "usage",
                        last_day,
                        f"{_metric_name(metric)} up {change:.0%} over 8 weeks (weekly average {first:,.0f} → {last:,.0f}), rising {rising} of 7 weeks",
                    ),
                    "",
                    {"metric": metric, "change": change, "rising": rising, "weekly": values},
                )
            )
        elif metric in DECLINE_METRICS and change <= -rules.decline_threshold:
            f.declines.append(
                UsageSignal(
                    "",
                    "decline",
                    Item(
                        item_id,
                        "usage",
                        last_day,
                        f"{_metric_name(metric)} down {-change:.0%} over 8 weeks (weekly average {first:,.0f} → {last:,.0f})",
                    ),
                    "",
                    {"metric": metric, "change": change, "weekly": values},
                )
            )


def _new_department_facts(
    facts: dict[int, AccountFacts], ids: list[int] | None, as_of: dt.date, widest: RuleSet, rules_for: RulesLookup
) -> None:
    earliest_new = as_of - dt.timedelta(days=widest.new_department_days)
    # The first day per department (DepartmentFirstUse, kept by the database from every
    # write to usage), read only for the accounts with a department whose first day falls
    # in the window: a few rows per account instead of its usage history. A first day
    # after as_of means no reading yet as of that day (the rows are the same as the
    # history's MIN(date) up to as_of).
    firsts = DepartmentFirstUse.objects.filter(
        account_id__in=_in(DepartmentFirstUse.objects, "account_id", ids)
        .filter(first_on__gt=earliest_new, first_on__lte=as_of)
        .exclude(department="")
        .values("account_id"),
        first_on__lte=as_of,
    ).values_list("account_id", "department", "first_on")
    by_account: dict[int, list[tuple[str, dt.date]]] = defaultdict(list)
    for account_id, department, first in firsts:
        by_account[account_id].append((department, first))
    wanted: dict[tuple[int, str], dt.date] = {}
    for account_id, departments in by_account.items():
        f = facts[account_id]
        window = as_of - dt.timedelta(days=rules_for.for_account(f.account).new_department_days)
        for department, first in departments:
            if not department or first <= window:
                continue
            older = [d for d, day in departments if d != department and day < first]
            if older:
                wanted[(account_id, department)] = first
    if not wanted:
        return
    rows = (
        _in(UsageDaily.objects, "account_id", sorted({a for a, _ in wanted}))
        .filter(date__gte=earliest_new, date__lte=as_of)
        .exclude(department="")
        .values("account_id", "department", "date", "metric", "value")
    )
    first_metrics: dict[tuple[int, str], list[str]] = defaultdict(list)
    latest: dict[tuple[int, str], tuple[dt.date, float]] = {}
    for reading in rows:
        key = (reading["account_id"], reading["department"])
        if key not in wanted:
            continue
        if reading["date"] == wanted[key]:
            first_metrics[key].append(reading["metric"])
        if reading["metric"] == "active_users" and (key not in latest or reading["date"] > latest[key][0]):
            latest[key] = (reading["date"], reading["value"])
    for (account_id, department), first in sorted(wanted.items()):
        f = facts[account_id]
        metrics = sorted(first_metrics[(account_id, department)])
        metric = "active_users" if "active_users" in metrics else (metrics[0] if metrics else "active_users")
        users = latest.get((account_id, department))
        users_text = f"; {users[1]:,.0f} active users on {users[0]:%-d %b}" if users else ""
        f.usage.append(
            UsageSignal(
                "scale",
                "new_department",
                Item(
                    f"usage:{metric}:{first.isoformat()}",
                    "usage",
                    first,
                    f"{department} started using the product on {first:%-d %b}{users_text}",
                ),
                department,
                {"first": first.isoformat()},
            )
        )


def _stakeholder_facts(
    facts: dict[int, AccountFacts], ids: list[int] | None, as_of: dt.date, widest: RuleSet, rules_for: RulesLookup
) -> None:
    """Decision makers and champions, with when they first and last wrote to us."""
    end = day_end(as_of)
    contacts = _in(Contact.objects, "account_id", ids).filter(active=True, role__in=LEADER_ROLES)
    engaged = {
        row["contact_id"]: (row["first"], row["last"])
        for row in _in(Interaction.objects, "account_id", ids)
        .filter(direction="inbound", occurred_at__lt=end, contact__role__in=LEADER_ROLES)
        .values("contact_id")
        .annotate(first=Min("occurred_at"), last=Max("occurred_at"))
    }
    rows = contacts.order_by("role", "name").values_list("pk", "account_id", "name", "role", "title", "department")
    for pk, account_id, name, role, title, department in rows:
        first, last = engaged.get(pk, (None, None))
        facts[account_id].stakeholders.append(Stakeholder(pk, name, role, title, department, first, last))


def _account_filter_sql(ids: list[int] | None) -> tuple[str, list]:
    if ids is None:
        return "", []
    sql, params = id_filter_sql("account_id", ids, connection.vendor)
    return f"AND {sql}", params


def _as_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _metric_name(metric: str) -> str:
    if metric.startswith("feature:"):
        return f"Feature '{metric.split(':', 1)[1]}'"
    return metric_label(metric)


def chunked(ids: Iterable[int], size: int) -> Iterable[list[int]]:
    batch: list[int] = []
    for pk in ids:
        batch.append(pk)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
