"""The record types of the import format (docs/import-format.md), as data.

Each field maps the format's name to the model's attribute. References (`account`,
`contact`) are resolved after every line is read, because a record may refer to an
account that appears later in the same file.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db import models

from accounts import models as m
from accounts.importer import fields as f


@dataclass(frozen=True)
class Field:
    name: str
    parser: f.Parser
    required: bool = False
    attr: str = ""  # model attribute, when it differs from the format's name
    default: Any = None

    @property
    def target(self) -> str:
        return self.attr or self.name


@dataclass(frozen=True)
class RecordType:
    name: str
    model: type[models.Model]
    fields: tuple[Field, ...]
    default_source: str
    key: tuple[str, ...] = ("external_id",)
    references: tuple[str, ...] = ("account",)
    by_name: dict[str, Field] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {fld.name: fld for fld in self.fields})


def _choices(choices: type[models.TextChoices]) -> tuple[str, ...]:
    return tuple(choices.values)


EXTERNAL_ID = Field("external_id", f.string(200), required=True)
ACCOUNT_REF = Field("account", f.string(200), required=True)
CONTACT_REF = Field("contact", f.string(200))
SOURCE = Field("source", f.string(50))  # extension: the source system, optional

ACCOUNT = RecordType(
    "account",
    m.Account,
    (
        EXTERNAL_ID,
        Field("name", f.string(300), required=True),
        Field("owner_email", f.email),
        Field("segment", f.string(50), default=""),
        Field("plan", f.string(100), default=""),
        Field("seats_purchased", f.integer),
        Field("arr", f.decimal(non_negative=True)),
        Field("currency", f.currency, default="USD"),
        Field("renewal_date", f.date_),
        Field("goals", f.string_list(), default=[]),
        Field("outreach_allowed", f.boolean, default=True),
        Field("health", f.choice(_choices(m.Health)), default=""),
        SOURCE,
    ),
    default_source="crm",
    references=(),
)

CONTACT = RecordType(
    "contact",
    m.Contact,
    (
        EXTERNAL_ID,
        ACCOUNT_REF,
        Field("name", f.string(300), required=True),
        Field("email", f.email, default=""),
        Field("title", f.string(200), default=""),
        Field("role", f.choice(_choices(m.ContactRole)), default=""),
        Field("department", f.string(200), default=""),
        Field("active", f.boolean, default=True),
        SOURCE,
    ),
    default_source="crm",
)

USAGE = RecordType(
    "usage",
    m.UsageDaily,
    (
        ACCOUNT_REF,
        Field("metric", f.string(120), required=True),
        Field("value", f.non_negative_number, required=True),
        Field("date", f.date_, required=True),
        Field("limit", f.non_negative_number),
        Field("department", f.string(200), default=""),
        SOURCE,
    ),
    default_source="product_analytics",
    key=("account", "metric", "date", "department"),
)

TICKET = RecordType(
    "ticket",
    m.Ticket,
    (
        EXTERNAL_ID,
        ACCOUNT_REF,
        Field("subject", f.string(500), required=True),
        Field("body", f.text, default=""),
        Field("status", f.choice(_choices(m.TicketStatus)), required=True),
        Field("priority", f.choice(_choices(m.TicketPriority)), default="normal"),
        Field("opened_at", f.timestamp, required=True),
        Field("closed_at", f.timestamp),
        CONTACT_REF,
        SOURCE,
    ),
    default_source="support_desk",
    references=("account", "contact"),
)

INTERACTION = RecordType(
    "interaction",
    m.Interaction,
    (
        EXTERNAL_ID,
        ACCOUNT_REF,
        Field("text", f.text, required=True),
        Field("occurred_at", f.timestamp, required=True),
        Field("channel", f.choice(_choices(m.Channel)), default="other"),
        Field("direction", f.choice(_choices(m.Direction)), default="inbound"),
        CONTACT_REF,
        SOURCE,
    ),
    default_source="cs_platform",
    references=("account", "contact"),
)

OUTCOME = RecordType(
    "outcome",
    m.Outcome,
    (
        EXTERNAL_ID,
        ACCOUNT_REF,
        Field("title", f.string(500), required=True),
        Field("recorded_at", f.timestamp, required=True),
        Field("goal", f.string(500), default=""),
        Field("metric", f.string(200), default=""),
        Field("baseline", f.number),
        Field("value", f.number),
        Field("department", f.string(200), default=""),
        Field("verified", f.boolean, default=False),
        SOURCE,
    ),
    default_source="cs_platform",
)

NOTE = RecordType(
    "note",
    m.Note,
    (
        EXTERNAL_ID,
        ACCOUNT_REF,
        Field("text", f.text, required=True),
        Field("created_at", f.timestamp, required=True, attr="written_at"),
        Field("author_email", f.email, default=""),
        SOURCE,
    ),
    default_source="cs_platform",
)

OPPORTUNITY = RecordType(
    "opportunity",
    m.Opportunity,
    (
        EXTERNAL_ID,
        ACCOUNT_REF,
        Field("name", f.string(300), required=True),
        Field("stage", f.choice(_choices(m.OpportunityStage)), required=True),
        Field("amount", f.decimal()),
        Field("created_at", f.timestamp, required=True, attr="opened_at"),
        Field("closed_at", f.timestamp),
        Field("signal", f.string(64), default="", attr="signal_ref"),
        SOURCE,
    ),
    default_source="crm",
)

# Write order: what others refer to first.
RECORD_TYPES: dict[str, RecordType] = {
    rt.name: rt for rt in (ACCOUNT, CONTACT, USAGE, TICKET, INTERACTION, OUTCOME, NOTE, OPPORTUNITY)
}
