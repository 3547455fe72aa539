"""Validate raw records field by field, then resolve their references."""

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Annotated, Any

import msgspec

from accounts.importer import fields
from accounts.importer.fields import FieldError
from accounts.importer.readers import RawRecord
from accounts.importer.schema import RECORD_TYPES, RecordType
from accounts.models import Account, Contact

MISSING = object()


@dataclass(frozen=True, slots=True)
class LineError:
    source: str
    line: int
    field: str
    reason: str

    def format(self, *, with_source: bool) -> str:
        prefix = f"{self.source}:" if with_source else ""
        return f"{prefix}{self.line}: {self.field}: {self.reason}"


@dataclass(slots=True)
class Record:
    """A valid record: its type, where it stood, and its clean values by format name.

    Only fields present in the input are in `values`; a present null is None and
    resets the field to its default on update, an absent field keeps what is stored.
    """

    type: RecordType
    source: str
    line: int
    values: dict[str, Any]
    extra: dict[str, Any]
    raw: str = ""
    key: tuple = ()

    def __post_init__(self) -> None:
        if not self.key:
            self.key = tuple(self.values.get(name, "") or "" for name in self.type.key)

    def as_raw(self) -> RawRecord:
        return RawRecord(self.source, self.line, self.raw, None)


@dataclass
class Validated:
    records: dict[str, list[Record]] = field(default_factory=dict)
    errors: list[LineError] = field(default_factory=list)
    rejected: list[tuple[RawRecord, list[LineError]]] = field(default_factory=list)
    # pk of accounts and contacts that exist already, by external id
    account_ids: dict[str, int] = field(default_factory=dict)
    contact_accounts: dict[str, str] = field(default_factory=dict)
    contact_ids: dict[str, int] = field(default_factory=dict)
    total: int = 0


USAGE = RECORD_TYPES["usage"]
_USAGE_FIELDS = frozenset(spec.name for spec in USAGE.fields) | {"type"}
_dates: dict[str, Any] = {}


def _clean_usage(raw: RawRecord, data: dict[str, Any]) -> Record | None:
    """The common case of the highest-volume record type, checked inline: a well-formed
    usage row with plain values. Anything unusual returns None and takes the general
    path, which reports errors field by field."""
    account, metric, value, day = data.get("account"), data.get("metric"), data.get("value"), data.get("date")
    department, limit, source = data.get("department", ""), data.get("limit"), data.get("source")
    if not (
        type(account) is str
        and 0 < len(account) <= 200
        and account.strip()
        and "\x00" not in account
        and type(metric) is str
        and 0 < len(metric) <= 120
        and metric.strip()
        and "\x00" not in metric
        and type(value) in (int, float)
        and type(day) is str
        and (department is None or (type(department) is str and len(department) <= 200 and "\x00" not in department))
        and (limit is None or type(limit) in (int, float))
        and (source is None or (type(source) is str and len(source) <= 50 and "\x00" not in source))
        and not data.keys() - _USAGE_FIELDS
    ):
        return None
    parsed = _dates.get(day)
    if parsed is None:
        try:
            parsed = fields.date_(day, False)
        except FieldError:
            return None
        if len(_dates) < 100_000:
            _dates[day] = parsed
    try:
        value = float(data["value"])  # present: checked above
        limit = float(limit) if limit is not None else None
    except OverflowError:  # an integer of hundreds of digits: the general path says "is too large"
        return None
    if limit is not None and (not math.isfinite(limit) or limit < 0):
        return None  # the general path reports a negative or non-finite limit
    if not math.isfinite(value) or value < 0:
        return None
    department = department.strip() and department if department else ""
    values = {
        "account": account,
        "metric": metric,
        "value": value,
        "date": parsed,
        "department": department,
        "limit": limit,
    }
    if source:
        values["source"] = source
    return Record(USAGE, raw.source, raw.line, values, {}, raw.raw, (account, metric, parsed, department))


class _UsageLine(msgspec.Struct, tag_field="type", tag="usage", forbid_unknown_fields=True):
    """A plain usage line, decoded and checked in C (msgspec). Only ever a shortcut: a
    line it refuses takes the general path, which accepts or rejects it by the rules of
    docs/import-format.md and names the field."""

    account: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    metric: Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
    value: Annotated[float, msgspec.Meta(ge=0)]
    date: dt.date
    department: Annotated[str, msgspec.Meta(max_length=200)] | None | msgspec.UnsetType = msgspec.UNSET
    limit: Annotated[float, msgspec.Meta(ge=0)] | None | msgspec.UnsetType = msgspec.UNSET
    source: Annotated[str, msgspec.Meta(max_length=50)] | None | msgspec.UnsetType = msgspec.UNSET


_decode_usage_line = msgspec.json.Decoder(_UsageLine).decode
UsageRow = tuple[str, str, dt.date, str, float, float | None, str]


def usage_line(line: bytes) -> UsageRow | None:
    """(account, metric, date, department, value, limit, source) of a plain usage line, or
    None when the line needs the general path (anything else, or anything unusual).

    A line with a backslash is left to the general path: without escapes no string can
    hold a quote, so counting `":` counts the keys exactly, and a count above the fields
    decoded means a repeated key (msgspec, like any JSON parser, keeps the last one).
    Whitespace before a colon would hide a key from that count, and a carriage return
    inside the line ends a line for the text reader: those lines take the general path too.
    """
    if b"\\" in line or b" :" in line or b"\t:" in line or -1 < line.find(b"\r") < len(line) - 2:
        return None
    return plain_usage_line(line)


def plain_block(block: bytes) -> bool:
    """Whether no line of `block` holds a byte sequence that `usage_line` checks for (none
    of them spans a line break), so that `plain_usage_line` may skip those checks: one
    search over a block of lines costs a fraction of four searches in every line."""
    return b"\\" not in block and b" :" not in block and b"\t:" not in block and b"\r" not in block


def plain_usage_line(line: bytes) -> UsageRow | None:
    """`usage_line` for a line already known to hold no backslash, no whitespace before a
    colon and no carriage return (see `plain_block`)."""
    try:
        rec = _decode_usage_line(line)
    except (msgspec.DecodeError, ValueError, RecursionError):  # e.g. bad UTF-8: the general path names it
        return None
    department, limit, source = rec.department, rec.limit, rec.source
    keys = 5  # type (its absence shows in the count), account, metric, value, date
    if department is msgspec.UNSET or department is None:
        keys += department is None
        department = ""
    else:
        keys += 1
        if not department.strip():
            department = ""
    if limit is msgspec.UNSET:
        limit = None
    else:
        keys += 1
    if source is msgspec.UNSET or source is None:
        keys += source is None
        source = USAGE.default_source
    else:
        keys += 1
        if not source.strip():
            source = USAGE.default_source
    if line.count(b'":') != keys or not rec.account.strip() or not rec.metric.strip():
        return None
    return rec.account, rec.metric, rec.date, department, rec.value, limit, source


_decode_usage_lines = msgspec.json.Decoder(_UsageLine).decode_lines


def plain_usage_block(block: bytes) -> list[UsageRow] | None:
    """`plain_usage_line` of every line of a block at once (one call into msgspec for the
    block), or None when any line is not a plain usage line, or the block has a blank line:
    the caller then takes the block line by line. Only for a block that `plain_block`
    passed: without backslashes, counting `":` in the whole block counts every key, and a
    count above the fields decoded means a repeated key in some line."""
    try:
        records = _decode_usage_lines(block)
    except (msgspec.DecodeError, ValueError, RecursionError):
        return None
    if len(records) != block.count(b"\n") + (not block.endswith(b"\n")):
        return None  # a blank line: numbering the lines is the line-by-line path's job
    unset, default = msgspec.UNSET, USAGE.default_source
    keys = 5 * len(records)  # type, account, metric, value, date
    rows: list[UsageRow] = []
    keep = rows.append
    for rec in records:
        account, metric, department, limit, source = rec.account, rec.metric, rec.department, rec.limit, rec.source
        if not account.strip() or not metric.strip():
            return None
        if department is unset:
            department = ""
        else:
            keys += 1
            department = department if department and department.strip() else ""
        if limit is unset:
            limit = None
        else:
            keys += 1
        if source is unset:
            source = default
        else:
            keys += 1
            source = source if source and source.strip() else default
        keep((account, metric, rec.date, department, rec.value, limit, source))
    if block.count(b'":') != keys:
        return None
    return rows


def clean_record(raw: RawRecord) -> tuple[Record | None, list[LineError]]:
    if raw.data is not None and raw.data.get("type") == "usage" and not raw.csv:
        fast = _clean_usage(raw, raw.data)
        if fast is not None:
            return fast, []
    return _clean_record(raw)


def _clean_record(raw: RawRecord) -> tuple[Record | None, list[LineError]]:
    def error(field_name: str, reason: str) -> LineError:
        return LineError(raw.source, raw.line, field_name, reason)

    if raw.data is None:
        return None, [error("line", raw.parse_error)]
    data = raw.data
    type_name = data.get("type")
    if not type_name:
        return None, [error("type", "required")]
    record_type = RECORD_TYPES.get(type_name) if isinstance(type_name, str) else None
    if record_type is None:
        known = ", ".join(RECORD_TYPES)
        return None, [error("type", f"unknown record type {type_name!r} (expected one of {known})")]

    values: dict[str, Any] = {}
    errors: list[LineError] = []
    for spec in record_type.fields:
        value = data.get(spec.name, MISSING)
        if value is MISSING:
            if spec.required:
                errors.append(error(spec.name, "required"))
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            if spec.required:
                errors.append(error(spec.name, "required"))
            else:
                values[spec.name] = None
            continue
        try:
            values[spec.name] = spec.parser(value, raw.csv)
        except FieldError as exc:
            errors.append(error(spec.name, str(exc)))
    if errors:
        return None, errors
    extra = {
        name: value
        for name, value in data.items()
        if name != "type" and name not in record_type.by_name and value is not None
    }
    for name, value in extra.items():
        if _too_deep(value):
            # Extra attributes are kept as JSON; nothing real nests this deep, and walking
            # or storing hundreds of levels exhausts the recursion limit.
            return None, [error(name, f"is nested too deeply (at most {MAX_EXTRA_DEPTH} levels)")]
        if _has_nul(name) or _has_nul(value):
            # PostgreSQL cannot store U+0000 in text or JSON; say so instead of failing the batch.
            return None, [error(name, "contains a NUL character")]
    return Record(record_type, raw.source, raw.line, values, extra, raw.raw), []


MAX_EXTRA_DEPTH = 32


def _too_deep(value: Any) -> bool:
    """Whether lists and objects in `value` nest deeper than MAX_EXTRA_DEPTH, checked
    without recursion so that the check itself cannot overflow the stack."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, list | dict):
            if depth > MAX_EXTRA_DEPTH:
                return True
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return False


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    return False


def resolve_references(batch: Validated, pending: list[Record]) -> None:
    """Check every account and contact reference against this batch and the database.

    Records whose own references fail are moved to the errors; accounts rejected in
    this batch make the records that refer to them invalid too.
    """
    batch_accounts = {rec.values["external_id"] for rec in pending if rec.type.name == "account"}
    batch_contacts = {rec.values["external_id"]: rec.values["account"] for rec in pending if rec.type.name == "contact"}
    rejected_lines = rejected_reference_lines(batch)

    account_refs = {rec.values["account"] for rec in pending if "account" in rec.values}
    contact_refs = {rec.values["contact"] for rec in pending if rec.values.get("contact")}
    batch.account_ids = _existing_accounts(account_refs | batch_accounts)
    batch.contact_ids, db_contact_accounts = _existing_contacts(set(contact_refs) | set(batch_contacts))
    batch.contact_accounts = {**db_contact_accounts, **batch_contacts}

    for rec in pending:
        errors: list[LineError] = []
        account = rec.values.get("account")
        if account is not None and account not in batch_accounts and account not in batch.account_ids:
            errors.append(LineError(rec.source, rec.line, "account", account_reference_error(account, rejected_lines)))
        contact = rec.values.get("contact")
        if contact:
            owner = batch.contact_accounts.get(contact)
            if owner is None:
                line = rejected_lines.get(("contact", contact))
                reason = (
                    f"contact {contact!r} is invalid in this import (line {line})"
                    if line
                    else f"unknown contact {contact!r}"
                )
                errors.append(LineError(rec.source, rec.line, "contact", reason))
            elif owner != account:
                errors.append(
                    LineError(
                        rec.source,
                        rec.line,
                        "contact",
                        f"contact {contact!r} belongs to account {owner!r}, not {account!r}",
                    )
                )
        if errors:
            batch.errors.extend(errors)
            batch.rejected.append((rec.as_raw(), errors))
        else:
            batch.records.setdefault(rec.type.name, []).append(rec)


def rejected_reference_lines(batch: Validated) -> dict[tuple[str, str], int]:
    """The line of each account and contact rejected in this import, by (type, external id)."""
    lines: dict[tuple[str, str], int] = {}
    for raw, _errors in batch.rejected:
        if raw.data and raw.data.get("type") in ("account", "contact") and isinstance(raw.data.get("external_id"), str):
            lines[(raw.data["type"], raw.data["external_id"])] = raw.line
    return lines


def account_reference_error(account: str, rejected_lines: dict[tuple[str, str], int]) -> str:
    line = rejected_lines.get(("account", account))
    if line:
        return f"account {account!r} is invalid in this import (line {line})"
    return f"unknown account {account!r} (not in this import or already stored)"


def _chunks(items: Iterable[str], size: int = 5000) -> Iterable[list[str]]:
    chunk: list[str] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _existing_accounts(external_ids: set[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in _chunks(sorted(external_ids)):
        found.update(Account.objects.filter(external_id__in=chunk).values_list("external_id", "id"))
    return found


def _existing_contacts(external_ids: set[str]) -> tuple[dict[str, int], dict[str, str]]:
    ids: dict[str, int] = {}
    accounts: dict[str, str] = {}
    for chunk in _chunks(sorted(external_ids)):
        rows = Contact.objects.filter(external_id__in=chunk).values_list("external_id", "id", "account__external_id")
        for external_id, pk, account in rows:
            ids[external_id] = pk
            accounts[external_id] = account
    return ids, accounts
