"""Customer accounts and the evidence items that come in through the import format.

Every evidence item keeps its external id (the natural key of the import format), the
source system it came from and its own date, so that a brief can cite it and a
reviewer can open it.
"""

from django.conf import settings
from django.db import models

from core.models import TimestampedModel


class Segment(models.TextChoices):
    ENTERPRISE = "enterprise", "Enterprise"
    MID_MARKET = "mid-market", "Mid-market"
    SMB = "smb", "SMB"


class Health(models.TextChoices):
    GOOD = "good", "Good"
    NEUTRAL = "neutral", "Neutral"
    POOR = "poor", "Poor"


class ContactRole(models.TextChoices):
    DECISION_MAKER = "decision_maker", "Decision maker"
    CHAMPION = "champion", "Champion"
    USER = "user", "User"
    BILLING = "billing", "Billing"
    OTHER = "other", "Other"


class TicketStatus(models.TextChoices):
    NEW = "new", "New"
    OPEN = "open", "Open"
    PENDING = "pending", "Pending"
    ON_HOLD = "on_hold", "On hold"
    SOLVED = "solved", "Solved"
    CLOSED = "closed", "Closed"


UNRESOLVED_TICKET_STATUSES = (
    TicketStatus.NEW,
    TicketStatus.OPEN,
    TicketStatus.PENDING,
    TicketStatus.ON_HOLD,
)


class TicketPriority(models.TextChoices):
    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"
    URGENT = "urgent", "Urgent"


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    CHAT = "chat", "Chat"
    CALL = "call", "Call"
    MEETING = "meeting", "Meeting"
    OTHER = "other", "Other"


class Direction(models.TextChoices):
    INBOUND = "inbound", "Inbound"
    OUTBOUND = "outbound", "Outbound"


class OpportunityStage(models.TextChoices):
    OPEN = "open", "Open"
    WON = "won", "Won"
    LOST = "lost", "Lost"


class Account(TimestampedModel):
    external_id = models.CharField(max_length=200, unique=True)
    name = models.CharField(max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_accounts",
    )
    segment = models.CharField(max_length=50, blank=True)
    plan = models.CharField(max_length=100, blank=True)
    seats_purchased = models.PositiveIntegerField(null=True, blank=True)
    arr = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, default="USD")
    renewal_date = models.DateField(null=True, blank=True)
    goals = models.JSONField(default=list, blank=True)
    outreach_allowed = models.BooleanField(default=True)
    health = models.CharField(max_length=10, choices=Health.choices, blank=True)
    source = models.CharField(max_length=50, default="crm")
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["name"]
        indexes = [
            # the owner's queue and every owner-scoped list
            models.Index(fields=["owner", "name"], name="account_owner_name"),
            # renewal-window filters and the timing detector
            models.Index(fields=["renewal_date"], name="account_renewal"),
        ]

    def __str__(self) -> str:
        return self.name


class EvidenceModel(TimestampedModel):
    """Fields every evidence item shares."""

    source = models.CharField(max_length=50)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True


class ClassifiedText(models.Model):
    """The classifier's reading of a customer text, cached so that rescoring is set-based.

    `classified_with` is the version of the model that made the reading (corpus, owners'
    confirmed feedback and phrase rules): a new version makes every stored reading stale,
    and the engine reads the text again.
    """

    signal_type = models.CharField(max_length=20, blank=True)
    intent = models.CharField(max_length=10, blank=True)
    conflict = models.CharField(max_length=20, blank=True)
    confidence = models.FloatField(null=True, blank=True)
    classified_with = models.CharField(max_length=32, blank=True, db_index=True)
    matched_rules = models.JSONField(default=list, blank=True, help_text="The phrase rules that fired.")
    opt_out = models.BooleanField(
        default=False, help_text="The customer refuses sales outreach in this text (signals/consent.py)."
    )

    class Meta:
        abstract = True


class Contact(TimestampedModel):
    external_id = models.CharField(max_length=200, unique=True)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=300)
    email = models.CharField(max_length=254, blank=True)
    title = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=20, choices=ContactRole.choices, blank=True)
    department = models.CharField(max_length=200, blank=True)
    active = models.BooleanField(default=True)
    source = models.CharField(max_length=50, default="crm")
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class UsageDaily(models.Model):
    """One metric's daily aggregate for one department of one account."""

    # No index of its own: the natural key's index starts with account_id and serves the
    # lookups by account and the cascade; a fourth index cost every import a quarter more.
    # No foreign-key constraint in the database (db_constraint=False): its trigger checked
    # every new row one by one at commit, a quarter of a fresh import's time. Usage rows
    # are written only by the importer, which checks each account once and holds the
    # usage table against other writers from that check to its commit; deleting an
    # account deletes its usage first (on_delete=CASCADE, in Django) and so waits for a
    # running import. What the database no longer refuses is a raw SQL write that skips
    # both (docs/benchmarks.md, section 1).
    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="usage", db_index=False, db_constraint=False
    )
    metric = models.CharField(max_length=120)
    date = models.DateField()
    department = models.CharField(max_length=200, blank=True, default="")
    value = models.FloatField()
    limit = models.FloatField(null=True, blank=True)
    source = models.CharField(max_length=50, default="product_analytics")
    inserted_at = models.DateTimeField(auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True, editable=False)

    class Meta:
        verbose_name = "daily usage"
        verbose_name_plural = "daily usage"
        constraints = [
            # the natural key of the import format; also serves the detectors'
            # "usage by account, metric and date" scans (leftmost prefix)
            models.UniqueConstraint(fields=["account", "metric", "date", "department"], name="usage_natural_key"),
        ]
        indexes = [
            # set-based trend aggregation over a date window across all accounts
            models.Index(fields=["date", "account"], name="usage_date_account"),
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.date} {self.value}"

    @property
    def evidence_id(self) -> str:
        return f"usage:{self.metric}:{self.date.isoformat()}"


class Ticket(EvidenceModel, ClassifiedText):
    external_id = models.CharField(max_length=200, unique=True)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="tickets")
    subject = models.CharField(max_length=500)
    body = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=TicketStatus.choices)
    priority = models.CharField(max_length=10, choices=TicketPriority.choices, default=TicketPriority.NORMAL)
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["-opened_at"]
        indexes = [
            # open-issue check: unresolved tickets per account
            models.Index(fields=["account", "status", "opened_at"], name="ticket_account_status"),
        ]

    def __str__(self) -> str:
        return f"{self.external_id} {self.subject}"

    @property
    def is_unresolved(self) -> bool:
        return self.status in UNRESOLVED_TICKET_STATUSES


class Interaction(EvidenceModel, ClassifiedText):
    """A customer message, call note or meeting summary."""

    external_id = models.CharField(max_length=200, unique=True)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="interactions")
    text = models.TextField()
    occurred_at = models.DateTimeField()
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.OTHER)
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.INBOUND)
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [
            # evidence by account and time (detectors' look-back windows)
            models.Index(fields=["account", "occurred_at"], name="interaction_account_time"),
        ]

    def __str__(self) -> str:
        return self.external_id


class Outcome(EvidenceModel):
    """Evidence that the customer got value: a goal met, a metric moved."""

    external_id = models.CharField(max_length=200, unique=True)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="outcomes")
    title = models.CharField(max_length=500)
    recorded_at = models.DateTimeField()
    goal = models.CharField(max_length=500, blank=True)
    metric = models.CharField(max_length=200, blank=True)
    baseline = models.FloatField(null=True, blank=True)
    value = models.FloatField(null=True, blank=True)
    department = models.CharField(max_length=200, blank=True)
    verified = models.BooleanField(default=False)

    class Meta:
        ordering = ["-recorded_at"]
        indexes = [
            # value proof: verified outcomes per account within the window
            models.Index(fields=["account", "verified", "recorded_at"], name="outcome_account_proof"),
        ]

    def __str__(self) -> str:
        return self.title


class Note(EvidenceModel):
    """The account owner's own note."""

    external_id = models.CharField(max_length=200, unique=True)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField()
    written_at = models.DateTimeField(help_text="The note's created_at in the import format.")
    author_email = models.CharField(max_length=254, blank=True)

    class Meta:
        ordering = ["-written_at"]
        indexes = [models.Index(fields=["account", "written_at"], name="note_account_time")]

    def __str__(self) -> str:
        return self.external_id


class Opportunity(EvidenceModel):
    """The CRM's expansion opportunities, so outcomes can be measured to closed-won."""

    external_id = models.CharField(max_length=200, unique=True)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="opportunities")
    name = models.CharField(max_length=300)
    stage = models.CharField(max_length=10, choices=OpportunityStage.choices)
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    opened_at = models.DateTimeField(help_text="The opportunity's created_at in the import format.")
    closed_at = models.DateTimeField(null=True, blank=True)
    signal_ref = models.CharField(
        max_length=64, blank=True, help_text="Id of the expansion signal it came from, where known."
    )

    class Meta:
        verbose_name_plural = "opportunities"
        ordering = ["-opened_at"]
        indexes = [
            models.Index(fields=["account", "opened_at"], name="opportunity_account_time"),
            # linking CRM opportunities back to candidates
            models.Index(fields=["signal_ref"], name="opportunity_signal_ref"),
        ]

    def __str__(self) -> str:
        return self.name


class EvidenceWatermark(models.Model):
    """A counter the database bumps whenever any evidence row of the account (usage,
    ticket, message, outcome, contact) is inserted, changed or deleted, by any path: the
    importer, the API, the admin, the demo, a bulk `update()` or plain SQL (triggers of
    migration 0004). The rescore's skip compares it instead of reading the history
    (signals/engine/inputs.py)."""

    account = models.OneToOneField(Account, on_delete=models.CASCADE, primary_key=True, related_name="+")
    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"evidence of account {self.account_id}: version {self.version}"


class DepartmentFirstUse(models.Model):
    """The first day with a usage reading, per account and department ("" for readings
    without one), kept by the database from every write to usage (triggers of migration
    0004): a new department is found from these few rows instead of the whole usage
    history."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+", db_index=False)
    department = models.CharField(max_length=200, blank=True, default="")
    first_on = models.DateField()

    class Meta:
        constraints = [
            # one row per department; its index (leading account_id) serves the engine's reads by account
            models.UniqueConstraint(fields=["account", "department"], name="department_first_use_key"),
        ]

    def __str__(self) -> str:
        return f"{self.department or '(no department)'} since {self.first_on}"


class ImportStatus(models.TextChoices):
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed (nothing written)"
    DRY_RUN = "dry_run", "Dry run"


class ImportRun(models.Model):
    """One import through the command or the API: what came in and what it did."""

    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    channel = models.CharField(max_length=20)  # "command" | "api" | "demo"
    sources = models.JSONField(default=list)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    status = models.CharField(max_length=10, choices=ImportStatus.choices)
    skip_invalid = models.BooleanField(default=False)
    counts = models.JSONField(default=dict, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    errors_sample = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at"]
        permissions = [("import_evidence", "Can import evidence through the API")]

    def __str__(self) -> str:
        return f"Import {self.pk} ({self.status})"
