"""Validate raw records field by field, then resolve their references."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

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

    @property
    def key(self) -> tuple:
        return tuple(self.values.get(name, "") or "" for name in self.type.key)


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


def clean_record(raw: RawRecord) -> tuple[Record | None, list[LineError]]:
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
        if _has_nul(name) or _has_nul(value):
            # PostgreSQL cannot store U+0000 in text or JSON; say so instead of failing the batch.
            return None, [error(name, "contains a NUL character")]
    return Record(record_type, raw.source, raw.line, values, extra, raw.raw), []


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    return False


def resolve_references(batch: Validated, pending: list[tuple[RawRecord, Record]]) -> None:
    """Check every account and contact reference against this batch and the database.

    Records whose own references fail are moved to the errors; accounts rejected in
    this batch make the records that refer to them invalid too.
    """
    batch_accounts = {rec.values["external_id"] for raw, rec in pending if rec.type.name == "account"}
    batch_contacts = {
        rec.values["external_id"]: rec.values["account"]
        for raw, rec in pending
        if rec.type.name == "contact"
    }
    rejected_lines: dict[tuple[str, str], int] = {}
    for raw, _errors in batch.rejected:
        if raw.data and raw.data.get("type") in ("account", "contact") and isinstance(raw.data.get("external_id"), str):
            rejected_lines[(raw.data["type"], raw.data["external_id"])] = raw.line

    account_refs = {rec.values["account"] for _, rec in pending if "account" in rec.values}
    contact_refs = {rec.values["contact"] for _, rec in pending if rec.values.get("contact")}
    batch.account_ids = _existing_accounts(account_refs | batch_accounts)
    batch.contact_ids, db_contact_accounts = _existing_contacts(set(contact_refs) | set(batch_contacts))
    batch.contact_accounts = {**db_contact_accounts, **batch_contacts}

    for raw, rec in pending:
        errors: list[LineError] = []
        account = rec.values.get("account")
        if account is not None and account not in batch_accounts and account not in batch.account_ids:
            line = rejected_lines.get(("account", account))
            reason = (
                f"account {account!r} is invalid in this import (line {line})"
                if line
                else f"unknown account {account!r} (not in this import or already stored)"
            )
            errors.append(LineError(rec.source, rec.line, "account", reason))
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
                    LineError(rec.source, rec.line, "contact",
                              f"contact {contact!r} belongs to account {owner!r}, not {account!r}")
                )
        if errors:
            batch.errors.extend(errors)
            batch.rejected.append((raw, errors))
        else:
            batch.records.setdefault(rec.type.name, []).append(rec)


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
        rows = Contact.objects.filter(external_id__in=chunk).values_list(
            "external_id", "id", "account__external_id"
        )
        for external_id, pk, account in rows:
            ids[external_id] = pk
            accounts[external_id] = account
    return ids, accounts
