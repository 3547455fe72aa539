"""Forms parse and type the input; the services hold the rules."""

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet

from core.roles import OWNER
from reviews.models import RejectReason
from signals.lifecycle import MAX_TEXT, MAX_WHO, RESPONSES
from signals.lifecycle import FollowUpKind as OutcomeKind
from signals.records import StakeholderFact

ROLE_WORDS = {"champion": "champion", "decision_maker": "decision maker"}


def who_prefill(involve: str, stakeholders: list[StakeholderFact]) -> str:
    """'With whom' from the play's role ("Account owner + champion") and the person the brief
    names: the first in the play's role, else the brief's first stakeholder (the brief lists
    who raised the signal first). "Account owner + champion Elif Sato"; without a play,
    "Elif Sato (champion)"."""
    involve = " ".join(involve.split())
    wanted = [code for code, word in ROLE_WORDS.items() if word in involve.lower()]
    person = next((s for s in stakeholders if s.role in wanted), stakeholders[0] if stakeholders else None)
    if person is None:
        return involve[:MAX_WHO]
    role = ROLE_WORDS.get(person.role, person.role.replace("_", " "))
    if not involve:
        who = f"{person.name} ({role})"
    elif role in involve.lower():
        at = involve.lower().index(role) + len(role)
        who = f"{involve[:at]} {person.name}{involve[at:]}"
    else:
        who = f"{involve}; {person.name} ({role})"
    return who if len(who) <= MAX_WHO else involve[:MAX_WHO]


class ApproveForm(forms.Form):
    # Required-ness lives in the services, so one submission reports every missing part.
    next_step = forms.CharField(
        label="Next step", max_length=MAX_TEXT, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    next_step_who = forms.CharField(label="Who", max_length=MAX_WHO, required=False)
    next_step_due = forms.DateField(label="By when", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    consent_reviewed = forms.BooleanField(label="I reviewed consent and the relationship context", required=False)
    override_reason = forms.CharField(
        label="Why approve against the recommendation",
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    message = forms.CharField(
        label="First message to the customer", max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    message_as_written = forms.BooleanField(label="Keep my wording", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class RejectForm(forms.Form):
    reason_code = forms.ChoiceField(
        label="Reason", choices=[("", "Choose a reason…"), *RejectReason.choices], required=False
    )
    note = forms.CharField(label="Note", max_length=MAX_TEXT, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class DeferForm(forms.Form):
    defer_until = forms.DateField(
        label="Bring it back on",
        widget=forms.DateInput(attrs={"type": "date"}),
        required=False,
        error_messages={"invalid": "Enter a date."},
    )
    reason = forms.CharField(
        label="Why wait", max_length=MAX_TEXT, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    defer_ticket = forms.CharField(label="Or until this ticket is closed", max_length=MAX_WHO, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


OUTCOME_CHOICES = [
    (OutcomeKind.OUTREACH, "Outreach sent"),
    (OutcomeKind.RESPONSE, "Customer responded"),
    (OutcomeKind.OPPORTUNITY, "Expansion opportunity created"),
    (OutcomeKind.WON, "Closed won"),
    (OutcomeKind.LOST, "Closed lost"),
]


class OutcomeForm(forms.Form):
    kind = forms.ChoiceField(label="What happened", choices=[("", "Choose…"), *OUTCOME_CHOICES], required=False)
    response = forms.ChoiceField(
        label="Response",
        required=False,
        choices=[("", "—"), *[(r, r.capitalize() if r != "none" else "No response") for r in RESPONSES]],
    )
    opportunity = forms.CharField(label="CRM opportunity id", max_length=MAX_WHO, required=False)
    amount = forms.DecimalField(label="Amount", max_digits=14, decimal_places=2, required=False, min_value=0)
    occurred_on = forms.DateField(label="On", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label="Note", max_length=MAX_TEXT, required=False, widget=forms.Textarea(attrs={"rows": 2}))


def active_owners() -> QuerySet[User]:
    """Who can be given an account: active users in the owner role."""
    return User.objects.filter(is_active=True, groups__name=OWNER).order_by("first_name", "username")


class ReassignForm(forms.Form):
    owner = forms.ModelChoiceField(
        label="New owner",
        queryset=active_owners(),
        error_messages={"required": "Choose an owner.", "invalid_choice": "Choose an active user."},
    )
