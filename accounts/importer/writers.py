"""Write validated records: batched upserts by natural key, and a COPY fast path for
usage on PostgreSQL. Each writer returns (created, updated, unchanged) and the ids of
the accounts whose evidence changed."""

import contextlib
import copy
import datetime as dt
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

import psycopg
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.importer.validate import Record, UsageRow, Validated
from accounts.models import Account, Contact, EvidenceWatermark, Ticket, UsageDaily
from core.roles import OWNER

BATCH = 2000


@dataclass
class TypeCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


@dataclass
class WriteResult:
    counts: dict[str, TypeCounts] = field(default_factory=dict)
    changed_account_ids: set[int] = field(default_factory=set)
    owners_created: list[str] = field(default_factory=list)
    # (account id, new owner id): applied through the candidate lifecycle, not written here
    owner_changes: list[tuple[int, int | None]] = field(default_factory=list)


def write_all(batch: Validated, *, usage_stream: "UsageStream | None" = None) -> WriteResult:
    result = WriteResult()
    owners = _owner_ids(batch.records.get("account", []), result)
    for type_name in ("account", "contact", "usage", "ticket", "interaction", "outcome", "note", "opportunity"):
        if type_name == "usage" and usage_stream is not None:
            counts = TypeCounts()
            usage_stream.merge(counts, result.changed_account_ids)
            if usage_stream.rows:
                result.counts["usage"] = counts
            continue
        if type_name not in batch.records:
            continue
        records = _last_wins(batch.records[type_name])
        counts = TypeCounts()
        if type_name == "usage":
            _upsert_usage(records, batch, counts, result.changed_account_ids)
        else:
            _upsert_by_external_id(
                records,
                batch,
                owners,
                counts,
                result.changed_account_ids,
                result.owner_changes,
                # usage rows already written carry these ids
                reserved_ids=usage_stream.reserved_ids()
                if usage_stream is not None and type_name == "account"
                else None,
            )
        result.counts[type_name] = counts
        if type_name == "account":
            _reassign(result.owner_changes)
            batch.account_ids.update(_lookup(Account, [r.values["external_id"] for r in records]))
        elif type_name == "contact":
            batch.contact_ids.update(_lookup(Contact, [r.values["external_id"] for r in records]))
        elif type_name == "ticket":
            _return_snoozed(
                [r.values["external_id"] for r in records if r.values.get("status") in ("solved", "closed")]
            )
    return result


def _return_snoozed(external_ids: list[str]) -> None:
    """Candidates deferred until one of these tickets is closed come back, through the lifecycle."""
    from signals.lifecycle import candidates_return_on_tickets

    if external_ids:
        candidates_return_on_tickets(ticket_ids=list(_lookup(Ticket, external_ids).values()))


def _reassign(owner_changes: list[tuple[int, int | None]]) -> None:
    from signals.lifecycle import account_reassign

    for account_id, owner_id in owner_changes:
        account_reassign(account_id=account_id, user=None, new_owner_id=owner_id, source="import")


def _last_wins(records: list[Record]) -> list[Record]:
    """The same natural key twice in one import: the later line is the truth."""
    by_key: dict[tuple, Record] = {}
    for record in records:
        by_key[record.key] = record
    return list(by_key.values())


def _lookup(model: Any, external_ids: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(external_ids), BATCH):
        chunk = external_ids[start : start + BATCH]
        found.update(model.objects.filter(external_id__in=chunk).values_list("external_id", "id"))
    return found


def _owner_ids(accounts: list[Record], result: WriteResult) -> dict[str, int]:
    """Find owners by e-mail; an unknown e-mail creates an inactive user so the assignment is kept."""
    emails = {r.values["owner_email"] for r in accounts if r.values.get("owner_email")}
    if not emails:
        return {}
    User = get_user_model()
    found = dict(
        User.objects.annotate(lower_email=Lower("email"))
        .filter(lower_email__in=emails)
        .order_by("-is_active", "pk")
        .values_list("lower_email", "pk")
    )
    missing = sorted(emails - found.keys())
    if missing:
        group, _ = Group.objects.get_or_create(name=OWNER)
        for email in missing:
            user = User(username=email[:150], email=email, is_active=False)
            user.set_unusable_password()
            user.save()
            user.groups.add(group)
            found[email] = user.pk
            result.owners_created.append(email)
    return found


def _target_values(record: Record, batch: Validated, owners: dict[str, int], *, creating: bool) -> dict[str, Any]:
    """Model attributes this record sets: defaults for a new row, present fields for an update."""
    out: dict[str, Any] = {}
    for spec in record.type.fields:
        if spec.name == "external_id":
            continue
        if spec.name not in record.values and not creating:
            continue
        value: Any = record.values.get(spec.name)  # None: a field a new row leaves at its default
        if spec.name == "account":
            out["account_id"] = batch.account_ids[value]
        elif spec.name == "contact":
            out["contact_id"] = batch.contact_ids.get(value) if value else None
        elif spec.name == "owner_email":
            out["owner_id"] = owners.get(value) if value else None
        elif spec.name == "source":
            out["source"] = value or record.type.default_source
        else:
            out[spec.target] = copy.copy(spec.default) if value is None else value
    return out


def _upsert_by_external_id(
    records: list[Record],
    batch: Validated,
    owners: dict[str, int],
    counts: TypeCounts,
    changed_accounts: set[int],
    owner_changes: list[tuple[int, int | None]] | None = None,
    reserved_ids: dict[str, int] | None = None,
) -> None:
    if not records:
        return
    # Whichever model the record type names: its rows are read and set by field name.
    model: type[Any] = records[0].type.model
    now = timezone.now()
    for start in range(0, len(records), BATCH):
        chunk = records[start : start + BATCH]
        existing = model.objects.in_bulk([r.values["external_id"] for r in chunk], field_name="external_id")
        to_create: list[Any] = []
        to_update: list[Any] = []
        update_fields: set[str] = set()
        for record in chunk:
            obj = existing.get(record.values["external_id"])
            if obj is None:
                attrs = _target_values(record, batch, owners, creating=True)
                obj = model(external_id=record.values["external_id"], extra=record.extra, **attrs)
                if reserved_ids and record.values["external_id"] in reserved_ids:
                    obj.pk = reserved_ids[record.values["external_id"]]
                obj.inserted_at = obj.updated_at = now
                to_create.append(obj)
                continue
            attrs = _target_values(record, batch, owners, creating=False)
            merged_extra = {**(obj.extra or {}), **record.extra}
            if merged_extra != obj.extra:
                attrs["extra"] = merged_extra
            changed = {name: value for name, value in attrs.items() if getattr(obj, name) != value}
            if model is Account and "owner_id" in changed and owner_changes is not None:
                # A new owner in the CRM moves the account's open candidates too: the
                # lifecycle does it, with its event and a version bump.
                owner_changes.append((obj.pk, changed.pop("owner_id")))
                changed_accounts.add(obj.pk)
            if not changed:
                counts.unchanged += 1
                continue
            for name, value in changed.items():
                setattr(obj, name, value)
            obj.updated_at = now
            update_fields.update(changed)
            to_update.append(obj)
        model.objects.bulk_create(to_create, batch_size=BATCH)
        if to_update:
            model.objects.bulk_update(to_update, sorted(update_fields | {"updated_at"}), batch_size=BATCH)
        counts.created += len(to_create)
        counts.updated += len(to_update)
        for obj in (*to_create, *to_update):
            changed_accounts.add(obj.pk if model is Account else obj.account_id)


def _usage_row(record: Record, batch: Validated) -> tuple:
    values = record.values
    return (
        batch.account_ids[values["account"]],
        values["metric"],
        values["date"],
        values.get("department") or "",
        values["value"],
        values.get("limit"),
        values.get("source") or record.type.default_source,
    )


def _upsert_usage(records: list[Record], batch: Validated, counts: TypeCounts, changed_accounts: set[int]) -> None:
    """Portable path (SQLite and any other database): compare with what is stored, then
    insert new rows and update changed ones with executemany. No model instances: at
    demo volumes the ORM's per-object work was most of the import's time."""
    now = timezone.now()
    table = UsageDaily._meta.db_table
    by_account: dict[int, list[tuple]] = {}
    for record in records:
        row = _usage_row(record, batch)
        by_account.setdefault(row[0], []).append(row)
    account_ids = sorted(by_account)
    with connection.cursor() as cursor:
        for start in range(0, len(account_ids), 200):
            ids = account_ids[start : start + 200]
            chunk_rows = [row for pk in ids for row in by_account[pk]]
            low = min(row[2] for row in chunk_rows)
            high = max(row[2] for row in chunk_rows)
            stored = {
                (a, m, d, dep): (pk, v, lim, src)
                for pk, a, m, d, dep, v, lim, src in UsageDaily.objects.filter(
                    account_id__in=ids, date__gte=low, date__lte=high
                ).values_list("pk", "account_id", "metric", "date", "department", "value", "limit", "source")
            }
            inserts, updates = [], []
            for account_id, metric, day, department, value, limit, source in chunk_rows:
                current = stored.get((account_id, metric, day, department))
                if current is None:
                    inserts.append((account_id, metric, day, department, value, limit, source, now, now))
                    changed_accounts.add(account_id)
                elif current[1:] != (value, limit, source):
                    updates.append((value, limit, source, now, current[0]))
                    changed_accounts.add(account_id)
                else:
                    counts.unchanged += 1
            if inserts:
                cursor.executemany(
                    f'INSERT INTO {table} (account_id, metric, date, department, value, "limit", source, '
                    "inserted_at, updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    inserts,
                )
            if updates:
                cursor.executemany(
                    f'UPDATE {table} SET value = %s, "limit" = %s, source = %s, updated_at = %s WHERE id = %s', updates
                )
            counts.created += len(inserts)
            counts.updated += len(updates)


class UsageStream:
    """PostgreSQL: valid usage rows go to the database through COPY while the file is
    read, so memory stays bounded whatever the file's size.

    Rows of an account with no usage stored go straight into the usage table (a fresh
    import: no comparison is needed, and the server's index work overlaps the client's
    reading); every other row goes to a temporary table, merged once every line has been
    read. An account the database does not hold yet gets its id reserved from the
    account sequence when its first row is read; the importer creates it with that id.
    All of it happens inside the import's transaction: an invalid line anywhere rolls
    back every row, the direct ones included. While a COPY is open the connection runs
    no other statement: the importer ends it to look accounts up (once per new account).

    While the rows are written the stream also notes, in memory bounded by the number of
    usage series (not rows), whether any natural key can repeat: when every series'
    dates only rise in the order the lines are read, no key repeats, and the merge skips
    the sort that "the later line wins" otherwise needs. Once a key may repeat, no row
    goes straight to the usage table any more: the rows after it are merged, and the
    later line still wins.
    """

    COLUMNS = 'src, line, account, metric, date, department, value, "limit", source, raw'
    DIRECT_COLUMNS = 'account_id, metric, date, department, value, "limit", source, inserted_at, updated_at'
    # Past this many (account, metric, department) series the order is no longer
    # tracked, and the merge sorts: the memory stays bounded whatever the file holds.
    MAX_SERIES = 200_000

    def __init__(self) -> None:
        self._cursor = connection.cursor()
        # Dropped at commit, or by merge(); this also covers an import nested in an outer transaction.
        self._cursor.execute("DROP TABLE IF EXISTS import_usage")
        self._cursor.execute(
            "CREATE TEMPORARY TABLE import_usage ("
            " src integer, line integer, account text, metric text, date date, department text,"
            ' value double precision, "limit" double precision, source text, raw text'
            ") ON COMMIT DROP"
        )
        # The rows of each block that differ from what is stored, found while the next block
        # is read (see `_compare_block`), and the index that finds a block's rows.
        self._cursor.execute("DROP TABLE IF EXISTS import_diff")
        self._cursor.execute(
            "CREATE TEMPORARY TABLE import_diff ("
            " account_id bigint, metric text, date date, department text,"
            ' value double precision, "limit" double precision, source text, usage_id bigint'
            ") ON COMMIT DROP"
        )
        self._cursor.execute("CREATE INDEX ON import_usage (src, line)")
        self._comparing = True  # every merged row so far is in a block compared with the stored rows
        self._compared_until: dt.date | None = None  # the last date of the last block compared
        self._compare_pending = False  # a block's comparison is running on the server
        self._in_block = False
        self._block_dates: list[dt.date] = []  # dates of the general path's rows in the current block
        self._copy_cm: Any = None
        self._target = ""  # the open COPY: "temp", "direct" or none
        self.write_row: Any = None  # the open COPY's write_row
        self.rows = 0
        self.accounts: set[str] = set()  # every account the rows refer to
        # (account, metric, department) -> the date of its last row; None once a key may repeat
        self.last_dates: dict[tuple[str, str, str], dt.date] | None = {}
        self._locked = False
        self.now: dt.datetime | None = None  # the transaction's time, once an account is looked up
        # account -> its id when its rows go straight to the usage table, 0 when they are merged
        self.account_ids: dict[str, int] = {}
        self._reserved: set[str] = set()  # accounts whose id was reserved (not stored when first read)
        self.direct_rows = 0
        self.direct_accounts: set[str] = set()  # accounts whose rows may be written straight to the usage table
        self.direct_sources: set[int] = set()  # the sources those rows came from
        self.temp_counts: dict[str, int] = {}  # rows in the temporary table, by account

    def _open(self, target: str) -> None:
        if self._target == target:
            return
        self._close()
        if target == "temp":
            sql, types = (
                f"COPY import_usage ({self.COLUMNS}) FROM STDIN (FORMAT BINARY)",
                ["int4", "int4", "text", "text", "date", "text", "float8", "float8", "text", "text"],
            )
        else:
            sql, types = (
                f"COPY {UsageDaily._meta.db_table} ({self.DIRECT_COLUMNS}) FROM STDIN (FORMAT BINARY)",
                ["int8", "text", "date", "text", "float8", "float8", "text", "timestamptz", "timestamptz"],
            )
        # Binary: a third of the client's cost of text COPY, and no number or date parsing on the server.
        self._copy_cm = self._cursor.cursor.copy(sql)
        copy = self._copy_cm.__enter__()
        copy.set_types(types)
        self.write_row, self._target = copy.write_row, target

    def _close(self) -> None:
        """End the open COPY, and wait for a block's comparison: before any other statement."""
        self._collect()
        if self._copy_cm is not None:
            cm, self._copy_cm = self._copy_cm, None
            self._target, self.write_row = "", None
            cm.__exit__(None, None, None)

    def add(self, src: int, line: int, row: UsageRow, raw: str | None) -> None:
        """One row from the general path: always merged (the temporary table keeps its line and text)."""
        self._open("temp")
        self.write_row((src, line, *row, raw))
        self.rows += 1
        account = row[0]
        self.accounts.add(account)
        self.temp_counts[account] = self.temp_counts.get(account, 0) + 1
        if self._in_block:
            self._block_dates.append(row[2])
        else:
            self._comparing = False  # not from a file's block: the merge compares everything at the end
        last = self.last_dates
        if last is not None:
            key, day = (row[0], row[1], row[3]), row[2]
            previous = last.get(key)
            if previous is not None and previous >= day:
                self.last_dates = None
            else:
                last[key] = day
                if len(last) > self.MAX_SERIES:
                    self.last_dates = None

    def begin_block(self) -> None:
        """A block of a file starts: rows of the general path until `add_block` belong to it."""
        self._in_block = True
        self._block_dates = []

    def add_block(self, src: int, direct: list[tuple], merged: list[tuple], first: int, last: int) -> None:
        """The rows of one block of a file (lines `first` to `last`), as COPY rows: `direct`
        for the usage table (their accounts looked up by `resolve`), `merged` for the
        temporary table. Then the block's merged rows are compared with the stored ones on
        the server while the client reads the next block (see `_compare_block`)."""
        # Keep the COPY that is open first: a block is most often all of one kind.
        for target in ("direct", "temp") if self._target == "direct" else ("temp", "direct"):
            rows = direct if target == "direct" else merged
            if not rows:
                continue
            self._open(target)
            write_row = self.write_row
            for row in rows:
                write_row(row)
        if direct:
            self.direct_rows += len(direct)
            self.direct_sources.add(src)
        counts = self.temp_counts
        for row in merged:
            counts[row[2]] = counts.get(row[2], 0) + 1
        self.rows += len(direct) + len(merged)
        self._in_block = False
        dates = self._block_dates
        if merged:
            dates = [*dates, min(map(itemgetter(4), merged)), max(map(itemgetter(4), merged))]
        if dates and self._comparing:
            self._compare_block(src, first, last, min(dates), max(dates))

    def _compare_block(self, src: int, first: int, last: int, low: dt.date, high: dt.date) -> None:
        """Find the block's rows that differ from the stored ones (new keys, or another
        value, limit or source) into import_diff, without waiting: the server runs it while
        the client reads the next block, and `_close` waits for it before the next statement.

        Only rows of accounts stored before this import can be compared here (the usage of
        an account with none stored is the COPY's and the merge's), and only while no key
        can have repeated: otherwise an earlier line of a key could be compared instead of
        the later one, and the merge compares everything at the end as before. The stored
        rows are read through the (date, account_id) index for the block's dates, and
        hashed. So that the file's blocks read each stored day about once (what one join at
        the end would read), the blocks are compared only while their dates advance, as an
        export's do: a block with a date before the previous block's last (a file in account
        order, say) stops it, and the merge compares everything at the end instead.
        """
        if self.last_dates is None or (self._compared_until is not None and low < self._compared_until):
            self._comparing = False
            return
        self._compared_until = high
        self._close()
        usage, accounts = UsageDaily._meta.db_table, Account._meta.db_table
        # Literals only (numbers and dates), so that it can go by the simple protocol in one
        # message. The plan is fixed for the statement: the temporary table has no statistics
        # and usage's may be stale right after a large import, and hashing all of usage for
        # every block (what the planner may pick then) would cost the table's size per block.
        sql = f"""
            SET LOCAL enable_seqscan = off; SET LOCAL enable_nestloop = off; SET LOCAL enable_mergejoin = off;
            INSERT INTO import_diff
            SELECT a.id, t.metric, t.date, t.department, t.value, t."limit", t.source, u.id
            FROM import_usage t
            JOIN {accounts} a ON a.external_id = t.account
            LEFT JOIN (SELECT * FROM {usage} WHERE date BETWEEN '{low.isoformat()}' AND '{high.isoformat()}') u
              ON (u.account_id, u.metric, u.date, u.department) = (a.id, t.metric, t.date, t.department)
            WHERE t.src = {int(src)} AND t.line BETWEEN {int(first)} AND {int(last)}
              AND (u.id IS NULL OR (u.value, u."limit", u.source) IS DISTINCT FROM (t.value, t."limit", t.source));
            RESET enable_seqscan; RESET enable_nestloop; RESET enable_mergejoin
        """
        self._pgconn().send_query(sql.encode())
        self._compare_pending = True

    def _pgconn(self) -> Any:
        return self._cursor.cursor.connection.pgconn

    def _collect(self) -> None:
        """Wait for a block's comparison; its error, if any, fails the import."""
        if not self._compare_pending:
            return
        self._compare_pending = False
        pgconn, error = self._pgconn(), None
        while (result := pgconn.get_result()) is not None:
            if result.status not in (psycopg.pq.ExecStatus.COMMAND_OK, psycopg.pq.ExecStatus.TUPLES_OK):
                error = error or psycopg.errors.error_from_result(result)
        if error is not None:
            raise error

    def resolve(self, new: set[str]) -> None:
        """Look up accounts seen for the first time: an account with usage stored is merged;
        one without goes straight to the usage table, with its id reserved if it is new.
        Every account looked up is noted as referred to (`accounts`)."""
        self._close()
        self.lock()
        usage, accounts = UsageDaily._meta.db_table, Account._meta.db_table
        cursor = self._cursor
        if self.now is None:
            cursor.execute("SELECT now()")  # the transaction's time: what the merge stamps its rows with
            self.now = cursor.fetchone()[0]
        cursor.execute(
            f"SELECT a.external_id, a.id, EXISTS (SELECT FROM {usage} u WHERE u.account_id = a.id)"
            f" FROM {accounts} a WHERE a.external_id = ANY(%s)",
            [sorted(new)],
        )
        for external_id, account_id, has_usage in cursor.fetchall():
            self.account_ids[external_id] = 0 if has_usage else account_id
        missing = sorted(new - self.account_ids.keys())
        if missing:
            # Sequence values are not rolled back: a failed import leaves a gap in the ids, nothing else.
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [accounts, len(missing)],
            )
            for external_id, (account_id,) in zip(missing, cursor.fetchall(), strict=True):
                self.account_ids[external_id] = account_id
            self._reserved.update(missing)
        self.accounts |= new
        # Rows may go straight to the usage table for these (the merge counts their keys as new).
        self.direct_accounts |= {external_id for external_id in new if self.account_ids[external_id]}

    def reserved_ids(self) -> dict[str, int]:
        """Accounts not stored when their first row was read, with the id their rows carry."""
        return {external_id: self.account_ids[external_id] for external_id in self._reserved}

    @property
    def keys_may_repeat(self) -> bool:
        return self.last_dates is None

    def finish(self) -> None:
        """End the COPY (rows sent so far are in the tables)."""
        self._close()
        self.last_dates = None if self.last_dates is None else {}  # the memory is not needed any more

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            self._collect()
        if self._copy_cm is not None:
            cm, self._copy_cm = self._copy_cm, None
            self._target, self.write_row = "", None
            # Best effort: the transaction is rolled back whatever the server answers.
            with contextlib.suppress(Exception):
                cm.__exit__(RuntimeError, RuntimeError("import aborted"), None)

    def lock(self) -> None:
        """Hold the usage table against other writers (readers go on) until the commit.

        Taken before any account is looked up, so that what the lookups and the merge see
        stays true: another import waits; deleting an account deletes its usage first
        (on_delete=CASCADE, in Django), so it either waits for this import and then
        deletes its rows too, or ran first and this import finds the account gone. This
        is what keeps usage consistent without a foreign-key constraint (see the model).
        """
        self._close()
        if not self._locked:
            self._cursor.execute(f"LOCK TABLE {UsageDaily._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
            self._locked = True

    def unresolved(self, batch_accounts: set[str]) -> tuple[list[tuple[int, int, str, str | None]], set[str]]:
        """Rows whose account is neither stored nor valid in this import: (src, line,
        account, raw) of those in the temporary table, and the accounts of those written
        straight to the usage table (their lines are found by reading the file again).

        The distinct references are few (one per account, not per row) and were noted
        while the rows were written: they are checked first, and the rows are read only
        for the references that fail.
        """
        if not self.rows:
            return [], set()
        self.lock()
        refs = self.accounts - batch_accounts
        stored = set(_lookup(Account, sorted(refs)))
        unknown = sorted(refs - stored)
        if not unknown:
            return [], set()
        cursor = self._cursor
        cursor.execute(
            "SELECT src, line, account, raw FROM import_usage WHERE account = ANY(%s) ORDER BY src, line", [unknown]
        )
        return list(cursor.fetchall()), set(unknown) & self.direct_accounts

    def merge(self, counts: TypeCounts, changed_accounts: set[int]) -> None:
        """Complete the usage table: the rows written straight to it are counted (and
        dropped if their account turned out invalid, with --skip-invalid); the rows of the
        temporary table are merged. The later line wins for a key given twice; rows
        equal to what is stored write nothing (no dead tuple, no WAL).

        In the temporary table, the rows of an account with no usage stored are new
        whatever they hold: they are inserted as they are. For the other accounts one join
        of the streamed rows with the stored ones finds what differs (a re-import of an
        unchanged file ends there); only those rows are updated or inserted. The table is
        locked against other writers (see `lock`), so that what the join saw stays true
        and the new rows can be added by a plain INSERT: ON CONFLICT's speculative
        insertion cost more than the index maintenance.
        """
        usage, accounts = UsageDaily._meta.db_table, Account._meta.db_table
        cursor = self._cursor
        if not self.rows:
            cursor.execute("DROP TABLE import_usage")
            return
        # Sorting or hashing a million rows in memory instead of on disk; only for this transaction.
        cursor.execute("SET LOCAL work_mem = '256MB'")
        self.lock()
        direct_ids = self._settle_direct(counts, changed_accounts) if self.direct_accounts else set()
        if not self.temp_counts:
            cursor.execute("DROP TABLE import_usage")
            return
        # The accounts of the merged rows (a few thousand, not a row each) and whether any usage of theirs is stored.
        cursor.execute(
            f"SELECT a.external_id, a.id, EXISTS (SELECT FROM {usage} u WHERE u.account_id = a.id) FROM {accounts} a"
            " WHERE a.external_id = ANY(%s)",
            [sorted(self.temp_counts)],
        )
        fresh: list[int] = []
        stored: list[int] = []
        extended: list[int] = []  # accounts with rows written straight to the usage table by this import
        stored_keys = 0  # without repeated keys every row is one key
        for external_id, account_id, has_usage in cursor.fetchall():
            if account_id in direct_ids:
                extended.append(account_id)
            elif has_usage:
                stored.append(account_id)
                stored_keys += self.temp_counts[external_id]
            else:
                fresh.append(account_id)
        if fresh:
            cursor.execute(
                f"""
                INSERT INTO {usage} ({self.DIRECT_COLUMNS})
                SELECT r.account_id, r.metric, r.date, r.department, r.value, r."limit", r.source, now(), now()
                FROM ({self._rows_sql()}) r
                """,
                [fresh],
            )
            counts.created += cursor.rowcount
            changed_accounts.update(fresh)  # each has at least one row, all new
        if extended:
            # Every key of these accounts is new to the database whichever line set it: a
            # row inserted here is one more created, one updated was created above.
            self._merge_with_stored(extended, None, counts, changed_accounts)
        if stored:
            # Compared block by block while the file was read: what differs is in import_diff.
            compared = self._comparing and not self.keys_may_repeat
            self._merge_with_stored(stored, stored_keys, counts, changed_accounts, compared=compared)
        cursor.execute("DROP TABLE import_usage")

    def _settle_direct(self, counts: TypeCounts, changed_accounts: set[int]) -> set[int]:
        """The rows written straight to the usage table, once the accounts are written:
        each is one key created. Returns the ids of their accounts."""
        usage, accounts = UsageDaily._meta.db_table, Account._meta.db_table
        cursor = self._cursor
        carried = {external_id: self.account_ids[external_id] for external_id in self.direct_accounts}
        cursor.execute(f"SELECT external_id, id FROM {accounts} WHERE external_id = ANY(%s)", [sorted(carried)])
        actual = dict(cursor.fetchall())
        written = self.direct_rows
        gone = [carried[external_id] for external_id in carried if external_id not in actual]
        if gone:
            # An account that was not valid after all (the import goes on only with --skip-invalid):
            # its lines are rejected, so its rows go.
            cursor.execute(f"DELETE FROM {usage} WHERE account_id = ANY(%s)", [gone])
            written -= cursor.rowcount
        orphans = list(gone)
        for external_id, account_id in carried.items():
            if external_id in actual and actual[external_id] != account_id:
                # Created by another writer since its id was reserved (no usage of its
                # own: usage writers wait for this import). Its rows follow it.
                cursor.execute(
                    f"UPDATE {usage} SET account_id = %s WHERE account_id = %s", [actual[external_id], account_id]
                )
                orphans.append(account_id)
        if orphans:
            # The usage triggers made a watermark row for each reserved id as its rows went
            # in; an id that never became an account must not keep one (its key refers to
            # the account, checked at commit).
            cursor.execute(f"DELETE FROM {EvidenceWatermark._meta.db_table} WHERE account_id = ANY(%s)", [orphans])
        counts.created += written
        ids = {actual[external_id] for external_id in carried if external_id in actual}
        changed_accounts.update(ids)
        return ids

    def _rows_sql(self) -> str:
        """The streamed rows of the accounts in the array parameter, one per natural key
        (the later line wins): sorted for that only when a key may repeat."""
        accounts = Account._meta.db_table
        columns = 'a.id AS account_id, t.metric, t.date, t.department, t.value, t."limit", t.source'
        join = f"import_usage t JOIN {accounts} a ON a.external_id = t.account AND a.id = ANY(%s)"
        if not self.keys_may_repeat:
            return f"SELECT {columns} FROM {join}"
        return f"""
            SELECT DISTINCT ON (a.id, t.metric, t.date, t.department) {columns}
            FROM {join}
            ORDER BY a.id, t.metric, t.date, t.department, t.src DESC, t.line DESC"""

    def _merge_with_stored(
        self,
        account_ids: list[int],
        keys: int | None,
        counts: TypeCounts,
        changed_accounts: set[int],
        *,
        compared: bool = False,
    ) -> None:
        """The rows of accounts with usage stored: one comparing join (or, `compared`, the
        differences the blocks' comparisons found), then only what differs is written.

        `keys`: how many natural keys the rows hold when none repeats; None when every
        stored row of these accounts was created by this import (only inserts count, as created).
        """
        usage = UsageDaily._meta.db_table
        cursor = self._cursor
        rows, total_row = "", ""
        if compared:
            diff = """
                SELECT account_id, metric, date, department, value, "limit", source, usage_id
                FROM import_diff WHERE account_id = ANY(%s)"""
        else:
            source = f"({self._rows_sql()}) r"
            if self.keys_may_repeat:
                rows, source = f"rows AS MATERIALIZED ({self._rows_sql()}),", "rows r"
                total_row = "SELECT NULL, (SELECT count(*) FROM rows), 0 UNION ALL"
            diff = f"""
                SELECT r.account_id, r.metric, r.date, r.department, r.value, r."limit", r.source,
                       u.id AS usage_id
                FROM {source}
                LEFT JOIN {usage} u
                  ON (u.account_id, u.metric, u.date, u.department) = (r.account_id, r.metric, r.date, r.department)
                WHERE u.id IS NULL OR (u.value, u."limit", u.source) IS DISTINCT FROM (r.value, r."limit", r.source)"""
        cursor.execute(
            f"""
            WITH {rows}
            diff AS MATERIALIZED ({diff}
            ),
            updated AS (
                UPDATE {usage} u
                SET value = d.value, "limit" = d."limit", source = d.source, updated_at = now()
                FROM diff d
                WHERE u.id = d.usage_id
                RETURNING u.account_id
            ),
            inserted AS (
                INSERT INTO {usage}
                    (account_id, metric, date, department, value, "limit", source, inserted_at, updated_at)
                SELECT d.account_id, d.metric, d.date, d.department, d.value, d."limit", d.source, now(), now()
                FROM diff d
                WHERE d.usage_id IS NULL
                RETURNING account_id
            ),
            changed AS (
                SELECT account_id, 1 AS created, 0 AS updated FROM inserted
                UNION ALL SELECT account_id, 0, 1 FROM updated
            )
            {total_row}
            SELECT account_id, sum(created), sum(updated) FROM changed GROUP BY account_id
            """,
            [account_ids],
        )
        created = updated = 0
        new_keys_only = keys is None  # every stored row of these accounts was created by this import
        for account_id, account_created, account_updated in cursor.fetchall():
            if account_id is None:
                keys = account_created
                continue
            created += account_created
            updated += account_updated
            changed_accounts.add(account_id)
        counts.created += created
        if new_keys_only or keys is None:
            return
        counts.updated += updated
        counts.unchanged += keys - created - updated
