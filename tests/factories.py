"""Factories for every model, in one place."""

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth.models import Group, User
from django.utils import timezone

from accounts import models as m
from core.roles import ADMIN, LEADER, OWNER
from signals.models import Candidate
from signals.vocabulary import queue_rank


def _give_role(user: User, create: bool, extracted: str | None, **kwargs: object) -> None:
    if create and extracted:
        group, _ = Group.objects.get_or_create(name=extracted)
        user.groups.add(group)
    if create:
        user.save()


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}@example.com")
    email = factory.SelfAttribute("username")
    first_name = factory.Sequence(lambda n: f"User{n}")
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests-only")

    role = factory.post_generation(_give_role)


def owner(**kwargs: object) -> User:
    return UserFactory.create(role=OWNER, **kwargs)


def leader(**kwargs: object) -> User:
    return UserFactory.create(role=LEADER, **kwargs)


def admin(**kwargs: object) -> User:
    return UserFactory.create(role=ADMIN, is_staff=True, **kwargs)


class AccountFactory(factory.django.DjangoModelFactory[m.Account]):
    class Meta:
        model = m.Account

    external_id = factory.Sequence(lambda n: f"acct-{n}")
    name = factory.Sequence(lambda n: f"Account {n}")
    segment = "mid-market"
    plan = "Growth"
    seats_purchased = 50
    arr = Decimal("60000.00")
    renewal_date = factory.LazyFunction(lambda: timezone.now().date() + dt.timedelta(days=120))
    goals = factory.LazyFunction(lambda: ["Cut month-end close to 3 days"])


class ContactFactory(factory.django.DjangoModelFactory[m.Contact]):
    class Meta:
        model = m.Contact

    external_id = factory.Sequence(lambda n: f"contact-{n}")
    account = factory.SubFactory(AccountFactory)
    name = factory.Sequence(lambda n: f"Contact {n}")
    role = "champion"


class TicketFactory(factory.django.DjangoModelFactory[m.Ticket]):
    class Meta:
        model = m.Ticket

    external_id = factory.Sequence(lambda n: f"T-{n}")
    account = factory.SubFactory(AccountFactory)
    subject = "Scheduled exports fail"
    status = "open"
    priority = "normal"
    opened_at = factory.LazyFunction(timezone.now)
    source = "support_desk"


class InteractionFactory(factory.django.DjangoModelFactory[m.Interaction]):
    class Meta:
        model = m.Interaction

    external_id = factory.Sequence(lambda n: f"msg-{n}")
    account = factory.SubFactory(AccountFactory)
    text = "Thanks for the help yesterday."
    occurred_at = factory.LazyFunction(timezone.now)
    channel = "email"
    source = "cs_platform"


class OutcomeFactory(factory.django.DjangoModelFactory[m.Outcome]):
    class Meta:
        model = m.Outcome

    external_id = factory.Sequence(lambda n: f"out-{n}")
    account = factory.SubFactory(AccountFactory)
    title = "Month-end close down from 6 to 3 days"
    recorded_at = factory.LazyFunction(timezone.now)
    verified = True
    source = "cs_platform"


class UsageFactory(factory.django.DjangoModelFactory[m.UsageDaily]):
    class Meta:
        model = m.UsageDaily

    account = factory.SubFactory(AccountFactory)
    metric = "active_users"
    date = factory.LazyFunction(lambda: timezone.now().date())
    value = 10.0


class CandidateFactory(factory.django.DjangoModelFactory[Candidate]):
    """A scored candidate as the engine would store it (for review tests that start
    after scoring; engine tests go through the real commands instead)."""

    class Meta:
        model = Candidate

    account = factory.SubFactory(AccountFactory)
    signal_type = "seats"
    status = "pending"
    intent = "buying"
    score = 80
    recommendation = "pursue"
    queue_rank = factory.LazyAttribute(lambda c: queue_rank(c.recommendation))
    blockers = factory.LazyFunction(list)
    evidence = factory.LazyFunction(list)
    brief = factory.LazyFunction(
        lambda: {
            "signal": [{"text": "Maria asked for 20 more seats.", "evidence": []}],
            "value": [],
            "risk_timing": [],
            "stakeholders": [],
            "next_step": [{"text": "Propose a short call with Maria.", "evidence": []}],
        }
    )
    score_components = factory.LazyFunction(lambda: {"intent": {"points": 30, "max": 30, "reason": "intent buying"}})
    # What the engine checked when it scored it: every review-quality part present.
    review_facts = factory.LazyFunction(
        lambda: {
            "checked": True,
            "source_evidence": ["m1"],
            "value_proof": {"verified": True, "outcome": "o1", "title": "Month-end close down to 3 days"},
            "stakeholders": [{"contact_id": 1, "name": "Maria Lopez", "role": "decision_maker"}],
            "open_issues_checked": True,
            "tickets_checked": [],
            "tickets_checked_on": "2026-01-01",
        }
    )
    first_detected_on = factory.LazyFunction(lambda: timezone.now().date())
    scored_on = factory.LazyFunction(lambda: timezone.now().date())
