"""A realistic, reproducible demo book of business, as evidence-import records.

`generate_demo_records` yields plain dicts in the evidence import format (one dict per
JSON Lines record), so the demo goes through the same import path as a customer's
files. The book is a pure function of `seed` and `today`: every random stream is a
`random.Random` seeded with a string derived from the seed (hashed with SHA-512 by the
standard library, so it does not depend on PYTHONHASHSEED), and nothing reads the clock.

Six named scenario accounts are scripted so that a reviewer can find each
recommendation in the demo (see `SCENARIO_ACCOUNTS`); the rest of the book is drawn
from word lists and templates with believable proportions of seat pressure, capacity
pressure, new departments, growth, plateaus, declines, spikes, tickets, expansion
requests, conflicts and outcomes.
"""

import datetime as dt
import random
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

DEMO_OWNERS: tuple[tuple[str, str], ...] = (
    ("dana@example.com", "Dana Whitfield"),
    ("marcus@example.com", "Marcus Oyelaran"),
    ("sofia@example.com", "Sofia Lindqvist"),
    ("raj@example.com", "Raj Mehta"),
    ("elena@example.com", "Elena Castillo"),
    ("tom@example.com", "Tom Becker"),
)
# Real books are uneven: the demo login carries the most accounts, the newest owner the fewest.
_OWNER_WEIGHTS = (30, 22, 17, 13, 10, 8)

# external_id -> what the engine should recommend with the default rules.
SCENARIO_ACCOUNTS: dict[str, str] = {
    "northwind": "wait (open_support_issue)",
    "acme": "pursue",
    "globex": "stop (consent_missing)",
    "initech": "stop (context_conflict)",
    "umbrella": "nurture (curiosity_only)",
    "hooli": "prove_value (no_value_proof)",
}

USAGE_DAYS = 182  # six months of daily usage, ending at `today`

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
# Business software is used on weekdays; Fridays a little less, weekends a lot less.
_WEEK_SHAPE = (1.0, 1.03, 1.02, 1.0, 0.9, 0.22, 0.14)


# --------------------------------------------------------------------------- catalogue


@dataclass(frozen=True)
class _Plan:
    name: str
    seat_price: int  # USD list price per seat and year
    storage_gb: int  # the plan's storage limit
    api_calls: int  # the plan's daily API call limit


_PLANS: dict[str, _Plan] = {
    plan.name: plan
    for plan in (
        _Plan("Starter", 300, 100, 10_000),
        _Plan("Growth", 600, 500, 50_000),
        _Plan("Business", 960, 2_000, 200_000),
        _Plan("Enterprise", 1_440, 10_000, 1_000_000),
    )
}
_PLAN_ORDER = tuple(_PLANS)

_SEGMENT_SHARES = (("enterprise", 0.15), ("mid-market", 0.35), ("smb", 0.50))
_SEGMENT_PLANS: dict[str, tuple[tuple[str, int], ...]] = {
    "enterprise": (("Enterprise", 70), ("Business", 30)),
    "mid-market": (("Business", 50), ("Growth", 45), ("Enterprise", 5)),
    "smb": (("Starter", 50), ("Growth", 45), ("Business", 5)),
}
_SEGMENT_SEATS = {"enterprise": (250, 2500), "mid-market": (40, 400), "smb": (8, 60)}
_SEGMENT_DISCOUNT = {"enterprise": (0.15, 0.35), "mid-market": (0.05, 0.15), "smb": (0.0, 0.05)}
_SEGMENT_CONTACTS = {"enterprise": (4, 6), "mid-market": (3, 5), "smb": (2, 3)}
_SEGMENT_DEPARTMENTS: dict[str, tuple[tuple[int, int], ...]] = {
    "enterprise": ((2, 60), (3, 40)),
    "mid-market": ((1, 45), (2, 55)),
    "smb": ((1, 80), (2, 20)),
}
_SEGMENT_TICKETS = {"enterprise": (3, 9), "mid-market": (2, 6), "smb": (1, 4)}
_SEGMENT_MESSAGES = {"enterprise": (9, 16), "mid-market": (6, 12), "smb": (4, 8)}
_CURRENCIES = (("USD", 90), ("EUR", 6), ("GBP", 4))
_FX = {"USD": 1.0, "EUR": 0.92, "GBP": 0.79}

_NAME_STARTS = (
    "North", "South", "East", "West", "Silver", "Golden", "Blue", "Red", "Green", "Iron",
    "Stone", "Bright", "Clear", "High", "Deep", "Fair", "Oak", "Pine", "Elm", "Ash",
    "Cedar", "Maple", "Birch", "Copper", "Salt", "Storm", "Sun", "Star", "Moss", "Rock",
    "Bay", "Lake", "River", "Cloud", "Frost", "Amber", "Ivory", "Thorn", "Wolf", "Fox",
    "Hawk", "Raven", "Swift", "True", "Kings", "Mill", "Marsh", "Glen", "Briar", "Willow",
)  # fmt: skip
_NAME_ENDS = (
    "field", "brook", "ridge", "water", "gate", "wood", "haven", "view", "stone", "light",
    "bridge", "point", "vale", "crest", "harbor", "mont", "line", "wave", "peak", "leaf",
    "ford", "hill", "mark", "well",
)  # fmt: skip
_NAME_WORDS = (
    "Halcyon", "Juniper", "Kestrel", "Larkspur", "Meridian", "Nimbus", "Osprey", "Quill",
    "Sable", "Sequoia", "Tamarack", "Trillium", "Vireo", "Zephyr", "Alder", "Beacon",
    "Bramble", "Canopy", "Cobalt", "Ember", "Falcon", "Glacier", "Hawthorn", "Horizon",
    "Marlin", "Mosaic", "Prairie", "Sparrow", "Thistle", "Wren", "Aurora", "Bellwether",
    "Cascade", "Citadel", "Compass", "Dovetail", "Everest", "Fathom", "Gable", "Helix",
    "Lantern", "Lattice", "Magnolia", "Monarch", "Obsidian", "Paragon", "Pioneer", "Quartz",
    "Rivet", "Solstice", "Tandem", "Tesserae", "Vantage", "Verity",
)  # fmt: skip
_NAME_SUFFIXES = (
    "Logistics", "Health", "Analytics", "Software", "Foods", "Manufacturing", "Partners",
    "Labs", "Energy", "Financial", "Insurance", "Retail", "Media", "Systems", "Biotech",
    "Construction", "Freight", "Hospitality", "Learning", "Legal", "Marketing", "Robotics",
    "Security", "Telecom", "Travel", "Dental Group", "Capital", "Consulting", "Pharma",
    "Outdoor Co.", "Brewing Co.", "Property Group", "Engineering", "Clinics", "Architects",
    "Studios", "Mobility", "Supply", "Data", "Networks",
)  # fmt: skip
_FIRST_NAMES = (
    "Aisha", "Alejandro", "Amara", "Anika", "Ben", "Bianca", "Carlos", "Chen", "Chloe",
    "Daniel", "Dmitri", "Elif", "Emma", "Fatima", "Felix", "Gabriel", "Grace", "Hana",
    "Hugo", "Ibrahim", "Ines", "Isaac", "Jamal", "Jana", "Jonas", "Julia", "Kai", "Kavya",
    "Kenji", "Laura", "Leila", "Liam", "Lucia", "Mateo", "Maya", "Mei", "Mohammed", "Nadia",
    "Naomi", "Nikhil", "Noah", "Olga", "Omar", "Paula", "Pedro", "Quinn", "Rachel", "Ravi",
    "Rosa", "Ruth", "Sam", "Sara", "Sebastian", "Shira", "Simone", "Sipho", "Sophie",
    "Tariq", "Thandiwe", "Theo", "Valentina", "Victor", "Wei", "Yara", "Yusuf", "Zoe",
)  # fmt: skip
_LAST_NAMES = (
    "Abbott", "Adeyemi", "Alvarez", "Andersen", "Bauer", "Bello", "Brennan", "Campbell",
    "Castro", "Chowdhury", "Costa", "Dubois", "Eriksen", "Fischer", "Fitzgerald", "Garcia",
    "Goldberg", "Gupta", "Hansen", "Hernandez", "Hoffmann", "Ito", "Jansen", "Johansson",
    "Kaur", "Khan", "Kowalski", "Larsen", "Lee", "Lindqvist", "Lopez", "Mahlangu", "Martin",
    "Mensah", "Moreau", "Murphy", "Nakamura", "Navarro", "Nguyen", "Novak", "Nowak",
    "O'Brien", "Okafor", "Olsen", "Park", "Patel", "Perez", "Petrov", "Quinn", "Ramirez",
    "Reyes", "Rossi", "Sato", "Schmidt", "Shah", "Silva", "Singh", "Sokolov", "Sullivan",
    "Tanaka", "Torres", "Varga", "Walsh", "Weber", "Yilmaz", "Zhang",
)  # fmt: skip

# department -> (decision maker titles, champion titles, user titles)
_DEPARTMENT_TITLES: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "Finance": (
        ("CFO", "VP Finance", "Finance Director"),
        ("Financial Controller", "Finance Systems Manager", "FP&A Lead"),
        ("Financial Analyst", "Accountant", "Payroll Specialist"),
    ),
    "Reporting": (
        ("Director of Business Intelligence", "VP Analytics"),
        ("Head of Reporting", "Reporting Lead"),
        ("Reporting Analyst", "BI Developer"),
    ),
    "Operations": (
        ("COO", "VP Operations", "Director of Operations"),
        ("Operations Manager", "Process Excellence Lead"),
        ("Operations Analyst", "Operations Coordinator"),
    ),
    "People": (
        ("Chief People Officer", "VP People"),
        ("HR Operations Manager", "People Systems Lead"),
        ("HR Generalist", "Recruiting Coordinator"),
    ),
    "Procurement": (
        ("Chief Procurement Officer", "Head of Procurement"),
        ("Procurement Manager", "Sourcing Lead"),
        ("Buyer", "Procurement Analyst"),
    ),
    "Customer Support": (
        ("VP Customer Support", "Director of Support"),
        ("Support Operations Lead", "Support Team Lead"),
        ("Support Agent", "Support Specialist"),
    ),
    "Marketing": (
        ("CMO", "VP Marketing"),
        ("Marketing Operations Manager", "Campaign Lead"),
        ("Content Marketer", "Marketing Coordinator"),
    ),
    "Legal": (
        ("General Counsel", "Head of Legal"),
        ("Legal Operations Manager", "Senior Counsel"),
        ("Paralegal", "Contracts Specialist"),
    ),
    "IT": (
        ("CIO", "Head of IT"),
        ("IT Operations Manager", "Systems Lead"),
        ("IT Administrator", "Systems Engineer"),
    ),
    "Sales": (
        ("CRO", "VP Sales"),
        ("Sales Operations Manager", "Revenue Operations Lead"),
        ("Account Executive", "Sales Analyst"),
    ),
    "Engineering": (
        ("CTO", "VP Engineering"),
        ("Engineering Manager", "Platform Lead"),
        ("Software Engineer", "Site Reliability Engineer"),
    ),
    "Customer Success": (
        ("VP Customer Success", "Director of Customer Success"),
        ("CS Operations Manager", "Onboarding Lead"),
        ("Customer Success Manager", "Implementation Specialist"),
    ),
    "Product": (
        ("CPO", "VP Product"),
        ("Product Operations Manager", "Group Product Manager"),
        ("Product Manager", "Product Analyst"),
    ),
    "Data": (
        ("Chief Data Officer", "Head of Data"),
        ("Analytics Engineering Lead", "Data Platform Manager"),
        ("Data Analyst", "Data Engineer"),
    ),
}
_DEPARTMENTS = tuple(_DEPARTMENT_TITLES)
_BILLING_TITLES = (
    ("Finance", "Accounts Payable Specialist"),
    ("Finance", "Billing Coordinator"),
    ("Procurement", "Procurement Specialist"),
    ("Finance", "Accounts Payable Lead"),
)
_OTHER_TITLES = (
    ("IT", "IT Administrator"),
    ("IT", "Security Analyst"),
    ("Operations", "Executive Assistant"),
    ("Legal", "Privacy Officer"),
)


@dataclass(frozen=True)
class Goal:
    """A stated customer goal and the measure an outcome against it moves."""

    text: str
    department: str
    metric: str
    baseline: tuple[int, int]  # where customers usually start
    target: tuple[int, int]  # where a verified outcome usually lands
    title: str  # outcome title, formatted with {b} (baseline) and {v} (value)


GOALS: tuple[Goal, ...] = (
    Goal("Cut month-end close to 3 days", "Finance", "month_end_close_days", (5, 9), (3, 4),
         "Month-end close down from {b} to {v} days"),
    Goal("Onboard new hires in under a week", "People", "onboarding_days", (10, 18), (4, 6),
         "New-hire onboarding down from {b} to {v} days"),
    Goal("Approve purchase orders within 24 hours", "Procurement", "po_approval_hours",
         (48, 96), (12, 24), "PO approval time down from {b} to {v} hours"),
    Goal("Give leadership self-serve reporting", "Reporting", "manual_report_requests_per_month",
         (30, 60), (5, 12), "Manual report requests down from {b} to {v} a month"),
    Goal("Halve audit preparation time", "Finance", "audit_prep_days", (20, 30), (8, 14),
         "Audit preparation down from {b} to {v} days"),
    Goal("Resolve customer tickets within one business day", "Customer Support",
         "median_resolution_hours", (20, 40), (6, 12),
         "Median ticket resolution down from {b} to {v} hours"),
    Goal("Forecast revenue within 5% accuracy", "Finance", "forecast_error_pct", (12, 20),
         (3, 5), "Forecast error down from {b}% to {v}%"),
    Goal("Replace spreadsheet trackers across operations", "Operations", "spreadsheets_in_use",
         (25, 60), (2, 8), "Spreadsheet trackers down from {b} to {v}"),
    Goal("Ship campaign assets in half the time", "Marketing", "campaign_cycle_days", (14, 21),
         (6, 9), "Campaign cycle time down from {b} to {v} days"),
    Goal("Cut contract review turnaround to 2 days", "Legal", "contract_review_days", (6, 12),
         (2, 3), "Contract review down from {b} to {v} days"),
    Goal("Automate quarterly access reviews", "IT", "access_review_staff_hours", (40, 80),
         (8, 16), "Quarterly access review down from {b} to {v} staff-hours"),
    Goal("Reduce expense report errors", "Finance", "expense_error_rate_pct", (8, 14), (1, 3),
         "Expense report error rate down from {b}% to {v}%"),
    Goal("Hit 95% on-time delivery", "Operations", "on_time_delivery_pct", (80, 88), (94, 97),
         "On-time delivery up from {b}% to {v}%"),
    Goal("Send sales quotes the same day", "Sales", "quote_turnaround_hours", (24, 72), (4, 8),
         "Quote turnaround down from {b} to {v} hours"),
    Goal("Standardise incident post-mortems", "Engineering", "postmortems_on_time_pct",
         (40, 60), (90, 100), "Post-mortems completed on time up from {b}% to {v}%"),
    Goal("Lower the cost of processing an invoice", "Finance", "cost_per_invoice_usd", (9, 14),
         (3, 5), "Cost per invoice down from ${b} to ${v}"),
    Goal("Get every new customer live within 30 days", "Customer Success", "time_to_live_days",
         (45, 70), (21, 30), "Time to go-live down from {b} to {v} days"),
    Goal("Consolidate vendor onboarding into one workflow", "Procurement",
         "vendor_onboarding_days", (15, 25), (4, 7), "Vendor onboarding down from {b} to {v} days"),
    Goal("Reduce overtime in the warehouse", "Operations", "overtime_hours_per_week", (120, 200),
         (40, 80), "Warehouse overtime down from {b} to {v} hours a week"),
    Goal("Publish the board pack two days earlier", "Reporting", "board_pack_days_after_close",
         (8, 12), (4, 6), "Board pack ready {v} days after close instead of {b}"),
    Goal("Improve employee survey participation", "People", "survey_participation_pct",
         (45, 60), (75, 90), "Survey participation up from {b}% to {v}%"),
    Goal("Cut time spent collecting compliance evidence", "Legal", "evidence_collection_hours",
         (60, 100), (15, 30), "Compliance evidence collection down from {b} to {v} hours"),
    Goal("Move roadmap planning out of slide decks", "Product", "planning_cycle_days", (20, 30),
         (8, 12), "Quarterly planning cycle down from {b} to {v} days"),
    Goal("Answer data requests within 48 hours", "Data", "data_request_hours", (96, 168),
         (24, 48), "Data request turnaround down from {b} to {v} hours"),
)  # fmt: skip
_GOALS_BY_TEXT = {goal.text: goal for goal in GOALS}

_FEATURE_METRICS = (
    "feature:workflow_library", "feature:scheduled_exports", "feature:dashboards",
    "feature:approvals", "feature:forms", "feature:api_connectors",
)  # fmt: skip
_FEATURE_NAMES = (
    "workflow library", "scheduled exports", "dashboards", "approvals", "forms",
    "audit trail", "report builder", "task board",
)  # fmt: skip
_PLAN_FEATURES = (
    "SSO and SCIM provisioning", "the audit log", "custom roles", "advanced approvals",
    "sandbox environments", "data residency controls",
)  # fmt: skip
_ADDONS = (
    "advanced analytics package", "premium support add-on", "SSO and audit log add-on",
    "sandbox environment add-on", "extended data retention add-on", "AI assistant add-on",
)  # fmt: skip
_PRODUCTS = ("Forecasting", "Spend Insights", "Contract Hub", "Field Forms", "Planning Studio")
_COMPETITORS = ("Tallyworks", "Ledgerly", "Flowmatic", "Brightsheet", "Opsbase")
_INTEGRATIONS = (
    "Salesforce", "NetSuite", "Slack", "Okta", "Workday", "HubSpot", "Snowflake",
    "BambooHR", "QuickBooks", "Jira", "Microsoft Teams", "SAP",
)  # fmt: skip
_REPORTS = (
    "month-end pack", "board pack", "cash-flow report", "pipeline report",
    "headcount report", "SLA report", "weekly ops dashboard", "spend report",
)  # fmt: skip
_TIMES = ("9am", "10:30am", "11am", "1pm", "2pm", "3:30pm", "4pm")
_COUNT_WORDS = ("two", "three", "four")

SIGNAL_TYPES = ("seats", "capacity", "tier_upgrade", "scale", "cross_sell", "add_on",
                "volume_pricing")  # fmt: skip
CONFLICT_KINDS = ("reduce", "downgrade", "cancel", "competitor")

# --------------------------------------------------------------------------- templates
# Texts starting with "Call note:" are logged as calls and "Meeting summary:" as
# meetings; the rest arrive as e-mails or chats. Slots are filled by `_slots`.

EXPANSION_TEMPLATES: dict[tuple[str, str], tuple[str, ...]] = {
    ("seats", "buying"): (
        "We need {n} more seats by {date}; {dm_first} ({dm_title}) signs off on the order.",
        "Our {dept} team is hiring {n} people this quarter. Could you send a quote for {n} "
        "additional seats so {dm_first} can approve it before {date}?",
        "We're using {used} of our {seats} seats and another team starts on {date}. Please "
        "add {n} licenses this month; the budget is approved.",
        "Can you increase our license from {seats} to {seats_up} seats effective {date}? "
        "{dm} ({dm_title}) will send the PO.",
        "Call note: {first} confirmed they need {n} more seats for the {dept} rollout "
        "starting {date}. {dm} ({dm_title}) owns the budget and wants a quote this week.",
        "Meeting summary: {dm_first} approved adding {n} seats at the next billing date; "
        "{first} will send the list of new users by {date}.",
    ),
    ("seats", "curious"): (
        "Our team is expanding. How can we add more seats to our license?",
        "If we add a few more users later this year, how does pricing work for extra seats?",
        "Is it possible to add seats mid-term, or do we have to wait for the renewal?",
        "Just curious, roughly what would it cost to add another {n} users at some point?",
    ),
    ("capacity", "buying"): (
        "We're at {pct}% of our {limit} limit and expect to pass it before {date}. Please "
        "raise the limit by {more}; {dm_first} has approved the spend.",
        "Once the {integration} integration goes live on {date} we'll exceed our {limit} "
        "limit. We need the next capacity tier; can you send the order form?",
        "Meeting summary: {first} needs {more} of extra capacity before quarter end; {dm} "
        "({dm_title}) signs and wants pricing by {date}.",
        "We keep running into the {limit} limit on busy days. Please quote {more} more so "
        "we can sign before {date}; {dm_first} approved it.",
    ),
    ("capacity", "curious"): (
        "Is there a way to increase our storage capacity?",
        "What happens when we hit the API limit? Are higher limits available?",
        "Out of curiosity, what are the storage options above our current plan?",
    ),
    ("tier_upgrade", "buying"): (
        "We've decided to move from {plan} to {next_plan} from {date}. {dm_first} "
        "({dm_title}) approved it; can you send the paperwork?",
        "We need {plan_feature} for our audit on {date}, so we want to upgrade to "
        "{next_plan} this quarter. {dm} has signed off.",
        "Call note: {dm} confirmed budget to upgrade all {seats} users to {next_plan} "
        "starting {date} and asked for the order form.",
        "Please prepare an upgrade to the {next_plan} plan for our renewal on {renewal}; "
        "{dm_first} has the budget approved.",
    ),
    ("tier_upgrade", "curious"): (
        "What features do we get if we upgrade to the next tier?",
        "Can you tell me about your enterprise-level plans?",
        "How does {next_plan} compare with {plan}? Just trying to understand the differences.",
        "Does the {next_plan} plan include {plan_feature}? No rush, just exploring.",
    ),
    ("scale", "buying"): (
        "We're growing rapidly and need to scale our current solution: {new_dept} goes "
        "live on {date} with about {n} people. {dm_first} ({dm_title}) signs off.",
        "We're opening {offices} new offices in {month} and need the platform rolled out "
        "to all of them. {dm} has approved the rollout budget.",
        "Our {new_dept} team starts on the platform on {date}; we need their workspace, "
        "training and {n} more people set up. The budget is approved.",
        "Meeting summary: {dm} wants the platform rolled out to {new_dept} and {dept2} by "
        "{date}, about {users} users in total, and asked for a rollout plan with pricing.",
    ),
    ("scale", "curious"): (
        "We're growing fast. How have other customers scaled the platform across departments?",
        "If {new_dept} wanted to start using this too, how would that work?",
        "Does the platform handle multiple business units? We might grow into that.",
        "Our {new_dept} team saw a demo and liked it. What would it take to give them their own workspace?",
    ),
    ("cross_sell", "buying"): (
        "We want to add {product} for the {dept} team starting {date}. {dm_first} "
        "({dm_title}) has the budget; please send a proposal.",
        "Meeting summary: {first} confirmed they'll buy {product} this quarter for {n} "
        "users; {dm} approves and wants it live by {date}.",
        "{dm_first} approved {product} for next quarter. Can you send the order form so we can start on {date}?",
    ),
    ("cross_sell", "curious"): (
        "I heard you have a new product line. Can you provide more information?",
        "Saw the {product} announcement. What does it do, and does it work with what we already have?",
        "Is {product} something we could trial at some point?",
        "A colleague in {dept2} asked whether {product} is separate from our current subscription. Could you explain?",
    ),
    ("add_on", "buying"): (
        "We need the {addon} before our board review on {date}. {dm_first} signed off; please add it to our contract.",
        "Please quote the {addon} for all {seats} users; we want it live by {date}. {dm} ({dm_title}) approves.",
        "Call note: {first} said the {addon} is now a requirement from {dm_first}'s team; "
        "they want to sign before {date}.",
        "We're ready to buy the {addon}. The PO is approved by {dm}; what's the fastest way to get it switched on?",
    ),
    ("add_on", "curious"): (
        "We're interested in exploring your {addon}.",
        "What does the {addon} add?",
        "Our {dept} team would like to know what the {addon} adds.",
        "Is the {addon} worth it for a team our size? Just gathering information for now.",
    ),
    ("volume_pricing", "buying"): (
        "We're rolling out to {users} users across the group by {date} and need volume "
        "pricing on the order. {dm_first} ({dm_title}) will sign.",
        "Procurement needs a volume-tier quote for {users} seats before {date}; the budget is approved.",
        "Meeting summary: {dm} asked for a multi-year volume agreement covering {users} "
        "users from {date} and wants numbers this month.",
    ),
    ("volume_pricing", "curious"): (
        "Do you offer volume discounts for larger user bases?",
        "At what point do volume discounts kick in?",
        "If we ever went above {users} users, is there tiered pricing?",
    ),
}

CONFLICT_TEMPLATES: dict[str, tuple[str, ...]] = {
    "reduce": (
        "At renewal we'd like to reduce our seats from {seats} to {seats_down}.",
        "We're cutting headcount in {dept}; please reduce our license by {n} seats from {date}.",
        "Budget is being cut next year, so we need to drop to {seats_down} seats at renewal.",
        "We'd like to remove {n} inactive users and lower our seat count at renewal.",
        "Meeting summary: {dm} wants to reduce scope to the {dept} team only next year, roughly {seats_down} seats.",
    ),
    "downgrade": (
        "We'd like to downgrade from {plan} to {prev_plan} at renewal; we're not using the advanced features.",
        "Can we move down to the {prev_plan} plan? The current plan is more than we need.",
        "Our CFO asked for a cheaper option. Is there a smaller plan we could move to at renewal?",
        "Please remove the {addon} from our contract at renewal; we're not using it.",
    ),
    "cancel": (
        "Please treat this as notice that we intend to cancel at renewal on {renewal}.",
        "We won't be renewing. {dm_first} has decided to consolidate our tools.",
        "Please don't auto-renew our subscription; we need to discuss cancelling or cutting back.",
        "Call note: {first} said leadership plans to cancel at renewal unless the {integration} sync issues are fixed.",
    ),
    "competitor": (
        "We're evaluating {competitor} as an alternative ahead of our renewal.",
        "Call note: {first} said the team is trialling {competitor} and comparing pricing before the renewal.",
        "Finance has asked us to review all vendors; we're looking at alternatives including {competitor}.",
        "We're moving our {dept} team to {competitor} next quarter.",
    ),
}

# Categories in _TRICKY_CATEGORIES read like expansion or conflict at a glance (negations,
# software upgrades, "on a scale of 1-10") but are neither: the classifier's hard cases.
# Scenario accounts only get the plain categories, so their story stays unambiguous.
ORDINARY_TEMPLATES: dict[str, tuple[str, ...]] = {
    "howto": (
        "How do I set up a recurring export of the {report} to {integration}?",
        "Quick question: where do I change the default approval chain for {dept}?",
        "Is there a way to bulk-edit the due dates on open tasks? We have about {k} to move.",
        "Can you point me to the docs for the {integration} connector? The setup page links to an old article.",
        "How do we give an external auditor read-only access for two weeks?",
        "What's the best way to archive last year's workflows without losing the history?",
        "Can dashboards be shared with people outside the company, or only with logged-in users?",
        "How do I reassign everything owned by someone who left the {dept} team?",
        "Is there a keyboard shortcut for approving items from the list view?",
        "Where can I see who changed a workflow step? Looking for the audit trail.",
        "Can we rename the default statuses to match our internal wording?",
    ),
    "thanks": (
        "Thanks for the quick turnaround on the {integration} issue yesterday; the team noticed.",
        "Just wanted to say the training session on {weekday} was excellent. Thank you!",
        "Thanks {owner_first}, the slides from our review were really useful for our leadership meeting.",
        "Appreciate the help getting {dept} set up. Everything is running smoothly now.",
        "Big thanks to your support team, they sorted out our SSO problem in under an hour.",
        "Thank you for the recap email. I've shared it with {dm_first}.",
        "The new {feature} view is great, thanks for listening to our feedback.",
    ),
    "scheduling": (
        "Can we move our check-in to {weekday} at {time}? Something came up.",
        "Works for me. Let's do {weekday} at {time} and I'll bring {dm_first}.",
        "Could you send a calendar invite for the quarterly review? Any day next week except {weekday}.",
        "I'm out of office until {date}; {first2} will cover anything urgent.",
        "Confirming our training session for the {dept} team on {weekday} at {time}.",
        "Can we push the quarterly review to next month? We're in the middle of our audit.",
        "Meeting summary: regular check-in, walked through recent tickets and the {feature} "
        "rollout in {dept}. No changes requested.",
        "Call note: {first} asked for the agenda ahead of the quarterly review; nothing else open.",
        "Meeting summary: onboarding session with the {dept} team, {k} people attended. "
        "Follow-up: send the admin guide.",
        "Meeting summary: quarterly review with {dm_first} and {first}. Top requests: better "
        "filters and faster exports. Next review in {month}.",
        "Call note: walked {first} through the {feature} setup; they will try it in {dept} next week.",
    ),
    "bug": (
        "The {report} export has the wrong date format since this morning: it shows MM/DD instead of DD/MM.",
        "We're getting a 502 error when we open the {feature} page in Chrome.",
        "Emails from the approval workflow are landing in spam for some of our users.",
        "The {integration} sync skipped about {k} records overnight. Can someone take a look?",
        "The dashboard totals don't match the CSV export for last month. Which one is right?",
        "Attachments over 10 MB fail to upload with no error message.",
        "Since yesterday the mobile app logs us out every few minutes.",
        "Filters on the task list reset every time I refresh the page.",
        "A user in {dept} can see workflows from another team. Is that a permissions bug?",
        "Call note: {first} walked us through the {report} export error; screenshots to follow by email.",
        "Call note: {first} confirmed the {integration} sync is working again after the fix.",
    ),
    "billing": (
        "Could you resend invoice {invoice}? Our AP system rejected the first copy.",
        "Please update our billing address to the new office; details attached.",
        "Our PO number changed for the new fiscal year: {po}. Please reference it on future invoices.",
        "Can we switch from card payments to bank transfer?",
        "Who should I contact about the VAT number on our invoice? It's missing a digit.",
        "We need a W-9 and your bank details on letterhead for our vendor setup.",
        "Can you confirm the renewal invoice will go out in {month}? Finance is planning cash flow.",
        "Please add {first2} as a billing contact so invoices reach both of us.",
    ),
    "negation": (
        "We don't need more seats this year, but could you move two licences from {dept} to {dept2}?",
        "No plans to upgrade for now; the {plan} plan covers what we need.",
        "We're not looking to add anything at renewal. Just confirming the invoice date.",
        "To be clear, we're not interested in the {addon} at the moment, thanks.",
        "We won't need extra storage; the cleanup freed up plenty of space.",
        "Not expanding to other teams this year. {dept} is our focus.",
        "We have no need for higher API limits; the nightly sync is well within range.",
        "How do I add a colleague from {dept} as a viewer on the {report}?",
    ),
    "version": (
        "We upgraded to version {version} of the desktop connector and the sidebar disappeared. Known issue?",
        "Is the {version} upgrade of the {integration} connector required before the old one is retired?",
        "Our IT team is upgrading Windows on all laptops next week; any compatibility concerns with the add-in?",
        "After upgrading our browser to the latest version the editor toolbar overlaps the text.",
        "Do we need to do anything for the API version upgrade you announced, or is it automatic?",
    ),
    "survey": (
        "On a scale of 1-10 I'd give the onboarding a 9. The {dept} team loved it.",
        "Survey answer: on a scale of 1-10, 8. Support is great, reporting could be faster.",
        "Our {report} has to scale to the new cost centres; can the template handle 40 columns?",
        "We're scaling back the number of approval steps in {dept}; can you help simplify the workflow?",
        "Two new hires in {dept} start on {weekday}; can they join the next onboarding webinar?",
    ),
    "security": (
        "Our security team needs your latest SOC 2 report and pen-test summary for the annual review.",
        "Can you fill in our vendor security questionnaire by {date}?",
        "Is the data for our workspace stored in the EU region? Legal is asking.",
        "Feature request: it would help if comments supported @mentions of whole teams.",
        "The new navigation takes some getting used to, but people in {dept} like it.",
        "Could you enable the beta for {feature} on our workspace? Happy to give feedback.",
        "We're preparing our internal training; is there a slide deck we can reuse?",
    ),
    "outbound": (
        "Hi {first}, sharing the recap and the action items from today's review. Let me know if I missed anything.",
        "Hi {first}, checking in on the {feature} rollout in {dept}. Anything blocking you?",
        "Hi {first}, this month's release notes are out; the {feature} changes should help your {dept} team.",
        "Hi {first}, would {weekday} at {time} work for our quarterly review?",
        "Hi {first}, here is the recording of the admin training as promised.",
        "Hi {first}, just confirming we've received your PO; nothing else needed from you.",
        "Hi {first}, congratulations on the launch! Let me know if the team needs anything from us.",
    ),
    "nps": (
        "Hi {first}, on a scale of 1-10, how likely are you to recommend us to a colleague? Two minutes, promise.",
        "Hi {first}, quick one: on a scale of 1-10, how easy was the rollout for {dept}?",
    ),
}
_TRICKY_CATEGORIES = ("negation", "version", "survey", "nps")
_OUTBOUND_CATEGORIES = ("outbound", "nps")  # written by the owner, not the customer
_CATEGORY_WEIGHTS = (
    ("howto", 18), ("thanks", 10), ("scheduling", 12), ("bug", 12), ("billing", 9),
    ("negation", 6), ("version", 5), ("survey", 4), ("security", 8), ("outbound", 14), ("nps", 2),
)  # fmt: skip

# (subject, body): what a support desk of a workflow product sees.
TICKET_TEMPLATES: tuple[tuple[str, str], ...] = (
    ("Scheduled exports fail", "The nightly export of the {report} has failed {k} nights in "
     "a row with a timeout. Our {dept} team depends on it every morning."),
    ("SSO login loop after IdP change", "Since we changed our identity provider settings, "
     "users get redirected back to the login page in a loop."),
    ("{integration} sync missing records", "About {k} records created yesterday did not "
     "appear after the {integration} sync. The sync log shows no errors."),
    ("Dashboard totals differ from CSV export", "The totals on the {report} dashboard don't "
     "match the CSV export for the same period."),
    ("Cannot upload attachments over 10 MB", "Uploads over 10 MB spin forever and then fail "
     "without an error message."),
    ("Approval emails going to spam", "Approval notifications land in spam for several "
     "users in {dept}. SPF and DKIM look fine on our side."),
    ("Mobile app logs users out", "Since the last app update users are logged out every "
     "few minutes on iOS."),
    ("Permission error on shared workflow", "A colleague in {dept} gets 'permission denied' "
     "on a workflow that is shared with the whole team."),
    ("Please restore a deleted workflow", "Someone deleted the {report} workflow by mistake "
     "on {weekday}. Can it be restored with its history?"),
    ("Wrong timezone on scheduled reports", "Scheduled reports arrive an hour late since "
     "the clock change."),
    ("Task list slow to load", "The task list takes 20-30 seconds to load for users with "
     "many assignments."),
    ("Audit log export is empty", "Exporting the audit log for last month produces a file "
     "with headers only."),
    ("Webhook deliveries delayed", "Webhook deliveries to our endpoint are arriving up to "
     "an hour late."),
    ("API returns 429 during nightly batch", "Our nightly batch gets HTTP 429 after about "
     "{k} thousand calls. Is there a burst limit we should know about?"),
    ("Duplicate notifications", "Users get every notification twice since {weekday}."),
    ("Custom field missing from report", "A custom field we added last week does not show "
     "up in the report builder."),
    ("User cannot reset password", "A user in {dept} never receives the password reset "
     "email."),
    ("Invoice shows wrong seat count", "Invoice {invoice} lists more seats than we have; "
     "please check and reissue."),
    ("Help configuring {integration} connector", "We're setting up the {integration} "
     "connector and can't find where to map custom fields."),
    ("Bulk import fails on row {k}", "The CSV import stops at row {k} with 'invalid date'. "
     "The date looks fine to us."),
    ("Date format wrong in PDF export", "PDF exports show US date format even though our "
     "workspace is set to European dates."),
    ("Comments not saving in Safari", "Comments disappear after saving when using Safari; "
     "Chrome works."),
    ("Report builder crashes with many columns", "The report builder freezes once a report "
     "has more than 30 columns."),
    ("Two-factor codes not arriving", "Some users do not receive two-factor codes by SMS."),
    ("Deactivate departed users", "Please help us deactivate {k} users who have left; the "
     "bulk action is greyed out."),
    ("Question about data retention settings", "Legal asked how long deleted items are "
     "kept and whether we can shorten it."),
    ("Calendar integration shows wrong times", "Due dates synced to Outlook appear one day "
     "early."),
    ("Workflow stuck in pending approval", "A purchase request has been stuck in 'pending "
     "approval' for {k} hours although the approver signed off."),
    ("Search does not find archived items", "Search no longer returns archived workflows, "
     "which our auditors need."),
    ("Embedded dashboard blank on intranet", "The dashboard we embed on our intranet "
     "shows a blank frame since {weekday}."),
)  # fmt: skip

NOTE_TEMPLATES: dict[str, tuple[str, ...]] = {
    "general": (
        "Quarterly review done. {champ} is happy with {feature}; {dm} ({dm_title}) wants a "
        "renewal plan by {renewal_month}.",
        "Champion {champ} is moving to a new role in {month}; need to meet their replacement.",
        "Procurement prefers multi-year terms at renewal; check the discount policy before {renewal_month}.",
        "{dept} rollout slowed by the {integration} connector; revisit after the fix ships.",
        "Exec sponsor is {dm}. Prefers short emails with numbers over slides.",
        "Training attendance was low in {dept}; offered a second session.",
        "{champ} is willing to be a reference for prospects in their industry.",
        "Security review passed; they will share the report with their board.",
        "Renewal owner on their side is {dm}; their budget cycle starts in {month}.",
        "Check in after their audit season ends in {month}.",
        "{champ} says reporting is their biggest pain; send the reporting guide.",
        "No open escalations. Next touchpoint: quarterly review in {month}.",
        "Met {dm} at the user conference; interested in peer benchmarks.",
        "Invoice dispute resolved; credit note issued.",
        "{champ} built the {dept} workflows themselves; good case study candidate.",
        "Quiet account. Usage steady, nothing worth escalating.",
    ),
    "conflict": (
        "Heard from {champ} that finance is reviewing all vendors; {competitor} was mentioned.",
        "{dm} hinted at budget cuts next year; prepare a value recap before renewal.",
    ),
    "decline": (
        "Usage has been dropping for weeks; ask {champ} what changed.",
        "Fewer logins since the reorganisation in {dept}; book a health check.",
    ),
}


# --------------------------------------------------------------------------- the book's plan


@dataclass(frozen=True)
class Contact:
    external_id: str
    name: str
    email: str
    title: str
    role: str
    department: str
    active: bool = True

    @property
    def first_name(self) -> str:
        return self.name.split()[0]


@dataclass(frozen=True)
class Message:
    """An expansion or conflict message planned for an account (rendered later)."""

    kind: str  # "expansion" or "conflict"
    topic: str  # a signal type, or a conflict kind
    intent: str  # "buying" or "curious"; empty for conflicts
    days_ago: int
    text: str = ""  # scenario accounts script their text; others use a template
    contact: str = ""
    key: str = ""


@dataclass(frozen=True)
class OpenTicket:
    priority: str
    status: str
    days_ago: int
    subject: str = ""
    body: str = ""
    contact: str = ""


@dataclass(frozen=True)
class OutcomeSpec:
    goal: Goal
    verified: bool
    days_ago: int
    department: str = ""
    baseline: int | None = None
    value: int | None = None
    key: str = ""


@dataclass(frozen=True)
class OpportunitySpec:
    stage: str
    topic: str
    created_days_ago: int
    closed_days_ago: int | None = None


@dataclass(frozen=True)
class Usage:
    """The shape of an account's six months of usage; values are drawn from it later."""

    trend: str  # steady, growth, plateau, decline or spike
    seat_ratio: float  # seats used / seats purchased, today
    engagement: float  # weekday active users / seats used, today
    departments: tuple[tuple[str, float], ...]  # (department, share of active users)
    limits: tuple[tuple[str, int, float], ...] = ()  # (metric, limit, share used today)
    feature: str = ""
    new_department: str = ""
    new_department_days: int = 0  # first usage this many days ago
    new_department_size: int = 0


@dataclass
class AccountPlan:
    external_id: str
    name: str
    domain: str
    owner_email: str | None
    segment: str
    plan: str
    seats: int
    arr: int
    currency: str
    renewal: dt.date
    goals: tuple[Goal, ...]
    outreach_allowed: bool
    health: str | None
    usage: Usage
    contacts: list[Contact] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    open_tickets: list[OpenTicket] = field(default_factory=list)
    outcomes: list[OutcomeSpec] = field(default_factory=list)
    opportunities: list[OpportunitySpec] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # scripted owner notes
    scripted: bool = False  # a named scenario: filler stays plain and adds no signals

    @property
    def departments(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.usage.departments)


# --------------------------------------------------------------------------- public API


def generate_demo_records(*, seed: int = 20261123, accounts: int = 200, today: dt.date) -> Iterator[dict[str, Any]]:
    """Yield the demo book as import-format records: accounts first, usage last.

    `accounts` counts the six scenario accounts too. The same seed and today give the
    same records in the same order.
    """
    if isinstance(today, dt.datetime):
        today = today.date()
    if not isinstance(today, dt.date):
        raise TypeError("today must be a datetime.date")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError("seed must be an int")
    if accounts < len(SCENARIO_ACCOUNTS):
        raise ValueError(f"accounts must be at least {len(SCENARIO_ACCOUNTS)}")
    # Planning is cheap and eager so that argument errors surface at the call;
    # the records themselves (mostly usage rows) are produced lazily.
    plans = plan_book(seed=seed, accounts=accounts, today=today)
    return _records(plans, seed=seed, today=today)


def plan_book(*, seed: int, accounts: int, today: dt.date) -> list[AccountPlan]:
    """The book's plan: who the accounts are and which story each one tells."""
    plans = _scenario_plans(today)
    plans.extend(_generic_plans(seed, accounts - len(plans), today, taken=plans))
    return plans


def _records(plans: list[AccountPlan], *, seed: int, today: dt.date) -> Iterator[dict[str, Any]]:
    # Referenced records first, so a reader of the file meets accounts before evidence.
    for plan in plans:
        yield _account_record(plan)
    for plan in plans:
        yield from _contact_records(plan)
    for plan in plans:
        yield from _outcome_records(plan, seed, today)
    for plan in plans:
        yield from _opportunity_records(plan, seed, today)
    for plan in plans:
        yield from _note_records(plan, seed, today)
    yield from _ticket_records(plans, seed, today)
    for plan in plans:
        yield from _interaction_records(plan, seed, today)
    for plan in plans:
        yield from _usage_records(plan, seed, today)


# --------------------------------------------------------------------------- small helpers


def _rng(seed: int, *parts: object) -> random.Random:
    # One independent stream per purpose: changing how notes are drawn must not
    # reshuffle usage. A str seed is hashed with SHA-512, stable across processes.
    return random.Random(":".join(str(part) for part in (seed, *parts)))


def _weighted(rng: random.Random, pairs: Sequence[tuple[Any, float]]) -> Any:
    if not pairs:
        return None
    return rng.choices([value for value, _ in pairs], weights=[w for _, w in pairs])[0]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _spoken_date(day: dt.date) -> str:
    # Not strftime("%B"): that follows the process locale.
    return f"{_MONTHS[day.month - 1]} {day.day}"


def _moment(today: dt.date, days_ago: int, rng: random.Random) -> dt.datetime:
    """A time during the working day, `days_ago` days before today (UTC)."""
    day = today - dt.timedelta(days=days_ago)
    return dt.datetime.combine(day, dt.time(rng.randint(8, 19), rng.randrange(0, 60, 5)))


def _stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _recent_days(rng: random.Random, oldest: int) -> int:
    # Traffic is heavier lately: skew towards small ages, never today (the engine may run
    # before the working day starts).
    return 1 + int((oldest - 1) * rng.random() ** 1.4)


def _round_to(value: float, step: int) -> int:
    return max(step, int(round(value / step)) * step)


def _deal(rng: random.Random, pool: Sequence[int], share: float, total: int) -> frozenset[int]:
    """Pick round(share * total) members of pool: exact proportions, random members."""
    candidates = list(pool)
    rng.shuffle(candidates)
    return frozenset(candidates[: min(len(candidates), round(share * total))])


# --------------------------------------------------------------------------- scenarios


def _contact_list(account: str, domain: str, people: Sequence[tuple[str, str, str, str]]) -> list[Contact]:
    return [
        Contact(
            external_id=f"{account}-c{number}",
            name=name,
            email=f"{_slug(name).replace('-', '.')}@{domain}",
            title=title,
            role=role,
            department=department,
        )
        for number, (name, title, role, department) in enumerate(people, start=1)
    ]


def _arr(seats: int, plan: str, discount: float, currency: str) -> int:
    usd = seats * _PLANS[plan].seat_price * (1 - discount)
    return _round_to(usd * _FX[currency], 100)


def _scenario_plans(today: dt.date) -> list[AccountPlan]:
    dana, second = DEMO_OWNERS[0][0], DEMO_OWNERS[1][0]
    return [
        _northwind(today, dana),
        _acme(today, dana),
        _globex(today, dana),
        _initech(today, dana),
        _umbrella(today, second),
        _hooli(today, dana),
    ]


def _northwind(today: dt.date, owner: str) -> AccountPlan:
    """The seed's example: a second department (Reporting) adopts the product and asks
    about reporting; Finance has proof; one high-priority ticket is open -> wait."""
    domain = "northwind-analytics.example"
    goals = (_GOALS_BY_TEXT["Cut month-end close to 3 days"],
             _GOALS_BY_TEXT["Give leadership self-serve reporting"])  # fmt: skip
    return AccountPlan(
        external_id="northwind",
        name="Northwind Analytics",
        domain=domain,
        owner_email=owner,
        segment="mid-market",
        plan="Business",
        seats=120,
        arr=_arr(120, "Business", 0.10, "USD"),
        currency="USD",
        renewal=today + dt.timedelta(days=210),
        goals=goals,
        outreach_allowed=True,
        health="good",
        usage=Usage(
            trend="steady",
            seat_ratio=0.70,
            engagement=0.72,
            departments=(("Finance", 1.0),),
            limits=(("storage_gb", _PLANS["Business"].storage_gb, 0.42),),
            feature="feature:workflow_library",
            new_department="Reporting",
            new_department_days=21,
            new_department_size=12,
        ),
        contacts=_contact_list(
            "northwind",
            domain,
            (
                ("Marta Jensen", "Finance Systems Manager", "champion", "Finance"),
                ("David Okafor", "CFO", "decision_maker", "Finance"),
                ("Priya Shah", "Head of Reporting", "champion", "Reporting"),
                ("Luis Ortega", "Accounts Payable Lead", "billing", "Finance"),
            ),
        ),  # fmt: skip
        messages=[
            Message(
                "expansion",
                "add_on",
                "curious",
                days_ago=5,
                contact="northwind-c3",
                key="northwind-reporting-question",
                text="Our reporting team started using the workflow library a few weeks ago "
                "and likes it. What does the advanced analytics package add for reporting?",
            ),
        ],  # fmt: skip
        open_tickets=[
            OpenTicket(
                "high",
                "open",
                days_ago=6,
                contact="northwind-c1",
                subject="Scheduled exports fail",
                body="The nightly export of the month-end pack to our data warehouse has "
                "failed four nights in a row with a timeout. Finance relies on it every "
                "morning.",
            ),
        ],  # fmt: skip
        outcomes=[
            OutcomeSpec(
                goals[0],
                verified=True,
                days_ago=45,
                department="Finance",
                baseline=6,
                value=3,
                key="northwind-close-outcome",
            ),
        ],  # fmt: skip
        notes=[
            "Reporting (Priya Shah) started on the workflow library this month; Finance "
            "closed the books in 3 days for the second month running."
        ],
        scripted=True,
    )


def _acme(today: dt.date, owner: str) -> AccountPlan:
    """Seats nearly full, a concrete buying request, verified value, nothing open -> pursue."""
    domain = "acme-corp.example"
    goals = (_GOALS_BY_TEXT["Approve purchase orders within 24 hours"],
             _GOALS_BY_TEXT["Replace spreadsheet trackers across operations"])  # fmt: skip
    needed_by = _spoken_date(today + dt.timedelta(days=75))
    return AccountPlan(
        external_id="acme",
        name="Acme Corp",
        domain=domain,
        owner_email=owner,
        segment="mid-market",
        plan="Growth",
        seats=50,
        arr=_arr(50, "Growth", 0.0, "USD"),
        currency="USD",
        renewal=today + dt.timedelta(days=160),
        goals=goals,
        outreach_allowed=True,
        health="good",
        usage=Usage(
            trend="growth",
            seat_ratio=0.96,
            engagement=0.78,
            departments=(("Operations", 0.6), ("Procurement", 0.4)),
            limits=(("storage_gb", _PLANS["Growth"].storage_gb, 0.45),),
            feature="feature:approvals",
        ),
        contacts=_contact_list(
            "acme",
            domain,
            (
                ("Tom Reyes", "Operations Manager", "champion", "Operations"),
                ("Maria Lopez", "VP Operations", "decision_maker", "Operations"),
                ("Grace Kim", "Procurement Analyst", "user", "Procurement"),
                ("Ben Adler", "Accounts Payable Specialist", "billing", "Finance"),
            ),
        ),  # fmt: skip
        messages=[
            Message(
                "expansion",
                "seats",
                "buying",
                days_ago=3,
                contact="acme-c1",
                key="acme-seats-request",
                text=f"We need 25 more seats by {needed_by}; Maria (VP Ops) signs off. We're "
                "at 48 of our 50 seats and two teams are waiting for logins.",
            ),
        ],  # fmt: skip
        outcomes=[
            OutcomeSpec(
                goals[0],
                verified=True,
                days_ago=70,
                department="Procurement",
                baseline=72,
                value=20,
                key="acme-po-outcome",
            ),
        ],  # fmt: skip
        scripted=True,
    )


def _globex(today: dt.date, owner: str) -> AccountPlan:
    """A buying request on an account with a relationship hold -> stop (consent_missing)."""
    domain = "globex.example"
    goals = (_GOALS_BY_TEXT["Automate quarterly access reviews"],
             _GOALS_BY_TEXT["Standardise incident post-mortems"])  # fmt: skip
    start = _spoken_date(today + dt.timedelta(days=40))
    return AccountPlan(
        external_id="globex",
        name="Globex",
        domain=domain,
        owner_email=owner,
        segment="enterprise",
        plan="Business",
        seats=400,
        arr=_arr(400, "Business", 0.2, "USD"),
        currency="USD",
        renewal=today + dt.timedelta(days=300),
        goals=goals,
        outreach_allowed=False,
        health="neutral",
        usage=Usage(
            trend="steady",
            seat_ratio=0.80,
            engagement=0.66,
            departments=(("IT", 0.3), ("Engineering", 0.5), ("Operations", 0.2)),
            limits=(("api_calls", _PLANS["Business"].api_calls, 0.55),),
        ),
        contacts=_contact_list(
            "globex",
            domain,
            (
                ("Nora Lindgren", "IT Operations Manager", "champion", "IT"),
                ("Samuel Adeyemi", "COO", "decision_maker", "Operations"),
                ("Keiko Tanaka", "Engineering Manager", "user", "Engineering"),
                ("Paul Brennan", "Procurement Specialist", "billing", "Procurement"),
                ("Ines Navarro", "General Counsel", "other", "Legal"),
            ),
        ),  # fmt: skip
        messages=[
            Message(
                "expansion",
                "seats",
                "buying",
                days_ago=8,
                contact="globex-c1",
                key="globex-seats-request",
                text=f"We're onboarding 60 engineers from the acquisition on {start} and need "
                "60 more seats. Samuel (COO) has approved the budget; please send a quote.",
            ),
        ],  # fmt: skip
        outcomes=[
            OutcomeSpec(
                goals[0],
                verified=True,
                days_ago=120,
                department="IT",
                baseline=64,
                value=12,
                key="globex-access-review-outcome",
            ),
        ],  # fmt: skip
        notes=[
            "Relationship hold: Ines (General Counsel) asked for no commercial outreach "
            "until the MSA renegotiation closes. Support and service contact only."
        ],
        scripted=True,
    )


def _initech(today: dt.date, owner: str) -> AccountPlan:
    """A tier-upgrade question, then a request to cut seats at renewal -> stop (context_conflict)."""
    domain = "initech.example"
    goals = (_GOALS_BY_TEXT["Standardise incident post-mortems"],)
    return AccountPlan(
        external_id="initech",
        name="Initech",
        domain=domain,
        owner_email=owner,
        segment="mid-market",
        plan="Growth",
        seats=120,
        arr=_arr(120, "Growth", 0.08, "USD"),
        currency="USD",
        renewal=today + dt.timedelta(days=80),
        goals=goals,
        outreach_allowed=True,
        health="neutral",
        usage=Usage(
            trend="steady",
            seat_ratio=0.66,
            engagement=0.6,
            departments=(("Engineering", 0.7), ("Finance", 0.3)),
            feature="feature:dashboards",
        ),
        contacts=_contact_list(
            "initech",
            domain,
            (
                ("Joanna Price", "Engineering Manager", "champion", "Engineering"),
                ("Peter Novak", "VP Engineering", "decision_maker", "Engineering"),
                ("Samira Haddad", "Financial Analyst", "user", "Finance"),
                ("Milton Greaves", "Accounts Payable Specialist", "billing", "Finance"),
            ),
        ),  # fmt: skip
        messages=[
            Message(
                "expansion",
                "tier_upgrade",
                "curious",
                days_ago=20,
                contact="initech-c1",
                key="initech-upgrade-question",
                text="What features do we get if we upgrade to the Business tier? We're mostly "
                "interested in the audit log.",
            ),
            Message(
                "conflict",
                "reduce",
                "",
                days_ago=9,
                contact="initech-c2",
                key="initech-reduce-seats",
                text="Heads-up for planning: at renewal we'd like to reduce our seats from 120 "
                "to 80. Our budget for next year is being cut.",
            ),
        ],  # fmt: skip
        outcomes=[
            OutcomeSpec(
                goals[0],
                verified=True,
                days_ago=150,
                department="Engineering",
                baseline=45,
                value=92,
                key="initech-postmortem-outcome",
            ),
        ],  # fmt: skip
        scripted=True,
    )


def _umbrella(today: dt.date, owner: str) -> AccountPlan:
    """A curious pricing question with nothing corroborating it -> nurture."""
    domain = "umbrella-health.example"
    goals = (_GOALS_BY_TEXT["Resolve customer tickets within one business day"],)
    return AccountPlan(
        external_id="umbrella",
        name="Umbrella Health",
        domain=domain,
        owner_email=owner,
        segment="mid-market",
        plan="Business",
        seats=200,
        arr=_arr(200, "Business", 0.12, "USD"),
        currency="USD",
        renewal=today + dt.timedelta(days=240),
        goals=goals,
        outreach_allowed=True,
        health="good",
        usage=Usage(
            trend="steady",
            seat_ratio=0.62,
            engagement=0.7,
            departments=(("Customer Support", 0.65), ("Operations", 0.35)),
            limits=(("storage_gb", _PLANS["Business"].storage_gb, 0.35),),
        ),
        contacts=_contact_list(
            "umbrella",
            domain,
            (
                ("Alice Moreau", "Support Operations Lead", "champion", "Customer Support"),
                ("Rahul Iyer", "VP Customer Support", "decision_maker", "Customer Support"),
                ("Hannah Cole", "Procurement Manager", "billing", "Procurement"),
                ("Diego Ramos", "Support Specialist", "user", "Customer Support"),
            ),
        ),  # fmt: skip
        messages=[
            Message(
                "expansion",
                "volume_pricing",
                "curious",
                days_ago=11,
                contact="umbrella-c3",
                key="umbrella-volume-question",
                text="Quick question from our annual vendor review: do you offer volume "
                "discounts for larger user bases?",
            ),
        ],  # fmt: skip
        outcomes=[
            OutcomeSpec(
                goals[0],
                verified=True,
                days_ago=80,
                department="Customer Support",
                baseline=30,
                value=9,
                key="umbrella-resolution-outcome",
            ),
        ],  # fmt: skip
        scripted=True,
    )


def _hooli(today: dt.date, owner: str) -> AccountPlan:
    """Storage near its limit and a buying request, but no verified value in a year
    -> prove_value."""
    domain = "hooli.example"
    goals = (_GOALS_BY_TEXT["Move roadmap planning out of slide decks"],
             _GOALS_BY_TEXT["Answer data requests within 48 hours"])  # fmt: skip
    lands = _spoken_date(today + dt.timedelta(days=30))
    return AccountPlan(
        external_id="hooli",
        name="Hooli",
        domain=domain,
        owner_email=owner,
        segment="enterprise",
        plan="Business",
        seats=300,
        arr=_arr(300, "Business", 0.18, "USD"),
        currency="USD",
        renewal=today + dt.timedelta(days=330),
        goals=goals,
        outreach_allowed=True,
        health="good",
        usage=Usage(
            trend="steady",
            seat_ratio=0.75,
            engagement=0.7,
            departments=(("Engineering", 0.6), ("Product", 0.4)),
            limits=(
                ("storage_gb", _PLANS["Business"].storage_gb, 0.92),
                ("api_calls", _PLANS["Business"].api_calls, 0.4),
            ),
        ),
        contacts=_contact_list(
            "hooli",
            domain,
            (
                ("Carla Weiss", "Platform Lead", "champion", "Engineering"),
                ("Richard Ma", "CTO", "decision_maker", "Engineering"),
                ("Dinah Fox", "Product Operations Manager", "user", "Product"),
                ("Jared Lowe", "Accounts Payable Lead", "billing", "Finance"),
            ),
        ),  # fmt: skip
        messages=[
            Message(
                "expansion",
                "capacity",
                "buying",
                days_ago=6,
                contact="hooli-c1",
                key="hooli-storage-request",
                text=f"We're at 92% of our 2,000 GB storage limit and the design-archive "
                f"migration lands on {lands}. We need another 1 TB before then; Richard (CTO) "
                "has approved the budget.",
            ),
        ],  # fmt: skip
        outcomes=[
            OutcomeSpec(
                goals[0],
                verified=True,
                days_ago=430,
                department="Product",
                baseline=26,
                value=10,
                key="hooli-planning-outcome",
            ),
            OutcomeSpec(
                goals[1],
                verified=False,
                days_ago=35,
                department="Engineering",
                baseline=120,
                value=40,
                key="hooli-data-request-outcome",
            ),
        ],  # fmt: skip
        scripted=True,
    )


# --------------------------------------------------------------------------- generic accounts


@dataclass(frozen=True)
class _Traits:
    """Book-level assignments, dealt in exact proportions so the demo always has them."""

    segments: tuple[str, ...]
    trends: tuple[str, ...]
    seat_pressure: frozenset[int]
    capacity_pressure: frozenset[int]
    new_department: frozenset[int]
    no_owner: frozenset[int]
    no_consent: frozenset[int]


def _deal_traits(seed: int, count: int) -> _Traits:
    rng = _rng(seed, "traits")
    segments: list[str] = []
    for segment, share in _SEGMENT_SHARES:
        segments.extend([segment] * round(share * count))
    segments = (segments + ["smb"] * count)[:count]
    rng.shuffle(segments)
    trends = (
        ["decline"] * round(0.04 * count)
        + ["growth"] * round(0.18 * count)
        + ["plateau"] * round(0.20 * count)
        + ["spike"] * round(0.08 * count)
    )
    trends = (trends + ["steady"] * count)[:count]
    rng.shuffle(trends)
    indices = range(count)
    not_declining = [i for i in indices if trends[i] != "decline"]
    return _Traits(
        segments=tuple(segments),
        trends=tuple(trends),
        seat_pressure=_deal(rng, not_declining, 0.10, count),
        capacity_pressure=_deal(rng, not_declining, 0.08, count),
        new_department=_deal(rng, indices, 0.08, count),
        no_owner=_deal(rng, indices, 0.03, count),
        no_consent=_deal(rng, indices, 0.04, count),
    )


def _company_names(seed: int, count: int, taken: Sequence[AccountPlan]) -> list[str]:
    rng = _rng(seed, "names")
    reserved = {_slug(plan.name).split("-")[0] for plan in taken}
    pools = {
        "compound": [a + b for a in _NAME_STARTS for b in _NAME_ENDS],
        "word": list(_NAME_WORDS),
        "family": list(_LAST_NAMES),  # "Okafor Logistics": family firms
    }
    for pool in pools.values():
        rng.shuffle(pool)
    halves: Counter[str] = Counter()  # "Cedar" in Cedarview, Cedarleaf, Cedarbridge...
    names: list[str] = []
    while len(names) < count:
        kind = _weighted(rng, [(k, w) for k, w in (("compound", 45), ("word", 30), ("family", 25))
                               if pools[k]])  # fmt: skip
        if kind is None:
            raise ValueError(f"the word lists name at most {len(names)} generic accounts")
        start = pools[kind].pop()
        half = next((h for h in _NAME_STARTS if start.startswith(h)), start)
        # One prefix per company, and a first half at most twice, so the book does not
        # read "Cedarview, Cedarleaf, Cedarbridge, Cedarstone".
        if _slug(start) in reserved or (kind == "compound" and halves[half] >= 2):
            continue
        halves[half] += 1
        reserved.add(_slug(start))
        names.append(f"{start} {rng.choice(_NAME_SUFFIXES)}")
    return names


def _generic_plans(seed: int, count: int, today: dt.date, taken: Sequence[AccountPlan]) -> list[AccountPlan]:
    traits = _deal_traits(seed, count)
    names = _company_names(seed, count, taken)
    return [_generic_plan(seed, index, names[index], traits, today) for index in range(count)]


def _generic_plan(seed: int, index: int, name: str, traits: _Traits, today: dt.date) -> AccountPlan:
    rng = _rng(seed, "account", index)
    slug = _slug(name)
    segment = traits.segments[index]
    plan_name = _weighted(rng, _SEGMENT_PLANS[segment])
    low, high = _SEGMENT_SEATS[segment]
    seats = rng.randint(low, high)
    seats = _round_to(seats, 50 if segment == "enterprise" else 5 if seats > 30 else 1)
    currency = _weighted(rng, _CURRENCIES)
    goals = tuple(rng.sample(GOALS, _weighted(rng, _goal_counts(segment))))
    trend = traits.trends[index]
    usage = _generic_usage(
        rng, segment, plan_name, seats, goals, trend,
        seat_pressure=index in traits.seat_pressure,
        capacity_pressure=index in traits.capacity_pressure,
        new_department=index in traits.new_department,
    )  # fmt: skip
    plan = AccountPlan(
        external_id=slug,
        name=name,
        domain=f"{slug}.example",  # .example is reserved: a demo never mails a real domain
        owner_email=None if index in traits.no_owner else _owner(rng),
        segment=segment,
        plan=plan_name,
        seats=seats,
        arr=_arr(seats, plan_name, rng.uniform(*_SEGMENT_DISCOUNT[segment]), currency),
        currency=currency,
        renewal=today + dt.timedelta(days=rng.randint(7, 548)),
        goals=goals,
        outreach_allowed=index not in traits.no_consent,
        health=_health(rng, trend),
        usage=usage,
    )
    plan.contacts = _generic_contacts(rng, plan)
    plan.messages = _plan_messages(rng, plan)
    plan.open_tickets = _plan_open_tickets(rng)
    plan.outcomes = _plan_outcomes(rng, plan)
    plan.opportunities = _plan_opportunities(rng, plan)
    return plan


def _goal_counts(segment: str) -> tuple[tuple[int, int], ...]:
    if segment == "smb":
        return ((1, 50), (2, 35), (3, 15))
    return ((1, 25), (2, 45), (3, 30))


def _owner(rng: random.Random) -> str:
    emails = [email for email, _ in DEMO_OWNERS]
    return _weighted(rng, list(zip(emails, _OWNER_WEIGHTS, strict=True)))


def _health(rng: random.Random, trend: str) -> str | None:
    if trend == "decline":
        return _weighted(rng, (("poor", 70), ("neutral", 30)))
    return _weighted(rng, ((None, 45), ("good", 35), ("neutral", 15), ("poor", 5)))


def _generic_usage(
    rng: random.Random,
    segment: str,
    plan: str,
    seats: int,
    goals: Sequence[Goal],
    trend: str,
    *,
    seat_pressure: bool,
    capacity_pressure: bool,
    new_department: bool,
) -> Usage:
    departments = _usage_departments(rng, segment, seats, goals)
    if seat_pressure:
        seat_ratio = rng.uniform(0.91, 1.06)
    elif trend == "decline":
        seat_ratio = rng.uniform(0.35, 0.5)
    else:
        seat_ratio = rng.uniform(0.45, 0.82)
    if trend == "decline":
        engagement = rng.uniform(0.38, 0.46)
    elif trend == "spike":
        engagement = rng.uniform(0.4, 0.55)
    else:
        engagement = rng.uniform(0.55, 0.85)
    new_name, new_days, new_size = "", 0, 0
    if new_department:
        used = [name for name, _ in departments]
        new_name = rng.choice([d for d in _DEPARTMENTS if d not in used])
        new_days = rng.randint(8, 58)
        new_size = max(3, round(seats * rng.uniform(0.04, 0.12)))
    return Usage(
        trend=trend,
        seat_ratio=seat_ratio,
        engagement=engagement,
        departments=departments,
        limits=_usage_limits(rng, plan, trend, capacity_pressure),
        feature=rng.choice(_FEATURE_METRICS) if rng.random() < 0.5 else "",
        new_department=new_name,
        new_department_days=new_days,
        new_department_size=new_size,
    )


def _usage_departments(
    rng: random.Random, segment: str, seats: int, goals: Sequence[Goal]
) -> tuple[tuple[str, float], ...]:
    count = _weighted(rng, _SEGMENT_DEPARTMENTS[segment])
    if count == 1:
        # Many small customers never set up workspaces: their usage has no department.
        name = goals[0].department if segment != "smb" or rng.random() < 0.5 else ""
        return ((name, 1.0),)
    names: list[str] = []
    for candidate in [goal.department for goal in goals] + rng.sample(_DEPARTMENTS, 6):
        if candidate not in names:
            names.append(candidate)
    names = names[:count]
    primary = rng.uniform(0.45, 0.7)
    rest = [rng.uniform(0.5, 1.5) for _ in names[1:]]
    shares = [primary] + [(1 - primary) * r / sum(rest) for r in rest]
    return tuple(zip(names, shares, strict=True))


def _usage_limits(
    rng: random.Random, plan: str, trend: str, capacity_pressure: bool
) -> tuple[tuple[str, int, float], ...]:
    limits: list[tuple[str, int, float]] = []
    has_storage = rng.random() < 0.55
    has_api = rng.random() < 0.35
    near = ""
    if capacity_pressure:
        near = "storage_gb" if rng.random() < 0.6 else "api_calls"
        has_storage = has_storage or near == "storage_gb"
        has_api = has_api or near == "api_calls"
    if has_storage:
        ratio = rng.uniform(0.86, 0.97) if near == "storage_gb" else rng.uniform(0.2, 0.7)
        limits.append(("storage_gb", _PLANS[plan].storage_gb, ratio))
    if has_api:
        if near == "api_calls":
            ratio = rng.uniform(0.9, 0.97)
        elif trend in ("decline", "spike"):
            # A declining account used far more calls months ago, and a spike needs room
            # to triple: both keep their history under the limit.
            ratio = rng.uniform(0.15, 0.25)
        else:
            ratio = rng.uniform(0.2, 0.65)
        limits.append(("api_calls", _PLANS[plan].api_calls, ratio))
    return tuple(limits)


def _generic_contacts(rng: random.Random, plan: AccountPlan) -> list[Contact]:
    low, high = _SEGMENT_CONTACTS[plan.segment]
    count = rng.randint(low, high)
    home = plan.departments[0] or plan.goals[0].department
    specs: list[tuple[str, str, str]] = [
        ("champion", home, rng.choice(_DEPARTMENT_TITLES[home][1])),
        ("decision_maker", home, rng.choice(_DEPARTMENT_TITLES[home][0])),
    ]
    if plan.usage.new_department:
        new = plan.usage.new_department
        specs.append(("champion", new, rng.choice(_DEPARTMENT_TITLES[new][1])))
    while len(specs) < count:
        specs.append(_extra_contact_spec(rng, plan))
    people = _people(rng, len(specs))
    contacts: list[Contact] = []
    for number, ((role, department, title), name) in enumerate(zip(specs, people, strict=True), start=1):
        # People leave: a few non-key contacts are inactive in the CRM.
        active = number <= 2 or role == "champion" or rng.random() > 0.08
        contacts.append(
            Contact(
                external_id=f"{plan.external_id}-c{number}",
                name=name,
                email=f"{_slug(name).replace('-', '.')}@{plan.domain}",
                title=title,
                role=role,
                department=department,
                active=active,
            )
        )
    return contacts


def _extra_contact_spec(rng: random.Random, plan: AccountPlan) -> tuple[str, str, str]:
    role = _weighted(rng, (("user", 50), ("billing", 25), ("other", 15), ("champion", 10)))
    if role == "billing":
        department, title = rng.choice(_BILLING_TITLES)
        return role, department, title
    if role == "other":
        department, title = rng.choice(_OTHER_TITLES)
        return role, department, title
    department = rng.choice([d for d in plan.departments if d] or [plan.goals[0].department])
    titles = _DEPARTMENT_TITLES[department]
    return role, department, rng.choice(titles[2] if role == "user" else titles[1])


def _people(rng: random.Random, count: int) -> list[str]:
    names: list[str] = []
    while len(names) < count:
        name = f"{rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)}"
        if name not in names and name.split()[0] not in [n.split()[0] for n in names]:
            names.append(name)
    return names


def _evidence_types(plan: AccountPlan) -> tuple[str, ...]:
    """Signal types the account's own data would corroborate."""
    usage = plan.usage
    found: list[str] = []
    if usage.seat_ratio >= 0.9:
        found.append("seats")
    if any(ratio >= 0.85 for _, _, ratio in usage.limits):
        found.append("capacity")
    if usage.new_department:
        found.extend(("scale", "add_on"))
    if usage.trend == "growth":
        found.extend(("seats", "scale", "volume_pricing"))
    return tuple(found)


def _plan_messages(rng: random.Random, plan: AccountPlan) -> list[Message]:
    evidence = _evidence_types(plan)
    messages: list[Message] = []
    chance = min(0.9, 0.3 + 0.3 * len(set(evidence)))
    if rng.random() < chance:
        for _ in range(1 if rng.random() < 0.75 else 2):
            messages.append(_plan_expansion(rng, plan, evidence))
    conflict_chance = 0.06 + (0.25 if plan.usage.trend == "decline" else 0.0)
    conflict_chance += 0.1 if plan.health == "poor" else 0.0
    if rng.random() < conflict_chance:
        kinds = [k for k in CONFLICT_KINDS if k != "downgrade" or plan.plan != "Starter"]
        days = rng.randint(3, 85) if rng.random() < 0.75 else rng.randint(100, 170)
        messages.append(Message("conflict", rng.choice(kinds), "", days_ago=days))
    return messages


def _plan_expansion(rng: random.Random, plan: AccountPlan, evidence: Sequence[str]) -> Message:
    weights = {
        "seats": 3.0,
        "capacity": 2.0 if plan.usage.limits else 1.0,
        "tier_upgrade": 0.0 if plan.plan == "Enterprise" else 2.0,
        "scale": 1.5,
        "cross_sell": 1.5,
        "add_on": 2.0,
        "volume_pricing": 1.0 if plan.segment == "smb" else 2.0,
    }
    for signal_type in evidence:
        weights[signal_type] += 6.0
    topic = _weighted(rng, list(weights.items()))
    intent = "buying" if rng.random() < (0.6 if topic in evidence else 0.3) else "curious"
    if topic == "capacity" and not plan.usage.limits:
        intent = "curious"  # a concrete capacity request needs a metric with a limit
    # Mostly inside the 90-day signal window; some older ones the engine should ignore.
    days = rng.randint(2, 88) if rng.random() < 0.85 else rng.randint(95, 170)
    if topic in ("scale", "add_on") and plan.usage.new_department:
        # The new team speaks up around the time it starts, not months before.
        days = rng.randint(1, plan.usage.new_department_days + 10)
    return Message("expansion", topic, intent, days_ago=days)


def _plan_open_tickets(rng: random.Random) -> list[OpenTicket]:
    roll = rng.random()
    status = _weighted(rng, (("new", 15), ("open", 55), ("pending", 20), ("on_hold", 10)))
    if roll < 0.08:  # blocking by priority
        return [OpenTicket(rng.choice(("high", "high", "urgent")), status, rng.randint(1, 25))]
    if roll < 0.13:  # blocking by age
        return [OpenTicket(rng.choice(("low", "normal", "normal")), status, rng.randint(35, 90))]
    if roll < 0.30:  # open, but neither urgent nor old
        return [OpenTicket(rng.choice(("low", "normal", "normal")), status, rng.randint(1, 20))]
    return []


def _plan_outcomes(rng: random.Random, plan: AccountPlan) -> list[OutcomeSpec]:
    count = _weighted(rng, ((0, 20), (1, 35), (2, 30), (3, 15)))
    outcomes: list[OutcomeSpec] = []
    for _ in range(count):
        goal = rng.choice(plan.goals)
        # About a quarter predate the 365-day proof window.
        days = rng.randint(10, 360) if rng.random() < 0.72 else rng.randint(370, 600)
        outcomes.append(OutcomeSpec(goal, verified=rng.random() < 0.6, days_ago=days))
    return outcomes


def _plan_opportunities(rng: random.Random, plan: AccountPlan) -> list[OpportunitySpec]:
    opportunities: list[OpportunitySpec] = []
    buying = [m for m in plan.messages if m.intent == "buying" and m.days_ago > 2]
    if buying and rng.random() < 0.3:
        # The owner already opened an opportunity after the customer's request.
        message = buying[0]
        created = rng.randint(1, message.days_ago - 1)
        opportunities.append(OpportunitySpec("open", message.topic, created))
    if rng.random() < 0.22:
        for _ in range(rng.randint(1, 2)):
            stage = _weighted(rng, (("won", 45), ("lost", 25), ("open", 30)))
            topic = rng.choice(("seats", "tier_upgrade", "add_on", "cross_sell", "volume_pricing"))
            if stage == "open":
                opportunities.append(OpportunitySpec(stage, topic, rng.randint(5, 80)))
            else:
                created = rng.randint(60, 500)
                closed = created - rng.randint(20, 50)
                opportunities.append(OpportunitySpec(stage, topic, created, closed))
    return opportunities


# --------------------------------------------------------------------------- records


def _account_record(plan: AccountPlan) -> dict[str, Any]:
    record: dict[str, Any] = {"type": "account", "external_id": plan.external_id,
                              "name": plan.name}  # fmt: skip
    if plan.owner_email:
        record["owner_email"] = plan.owner_email
    record.update(
        segment=plan.segment,
        plan=plan.plan,
        seats_purchased=plan.seats,
        arr=plan.arr,
        currency=plan.currency,
        renewal_date=plan.renewal.isoformat(),
        goals=[goal.text for goal in plan.goals],
        outreach_allowed=plan.outreach_allowed,
    )
    if plan.health:
        record["health"] = plan.health
    return record


def _contact_records(plan: AccountPlan) -> Iterator[dict[str, Any]]:
    for contact in plan.contacts:
        yield {
            "type": "contact",
            "external_id": contact.external_id,
            "account": plan.external_id,
            "name": contact.name,
            "email": contact.email,
            "title": contact.title,
            "role": contact.role,
            "department": contact.department,
            "active": contact.active,
        }


def _outcome_records(plan: AccountPlan, seed: int, today: dt.date) -> Iterator[dict[str, Any]]:
    rng = _rng(seed, plan.external_id, "outcomes")
    specs = sorted(plan.outcomes, key=lambda spec: -spec.days_ago)
    for number, spec in enumerate(specs, start=1):
        goal = spec.goal
        baseline = spec.baseline if spec.baseline is not None else rng.randint(*goal.baseline)
        value = spec.value if spec.value is not None else _outcome_value(rng, spec, baseline)
        yield {
            "type": "outcome",
            "external_id": spec.key or f"{plan.external_id}-o{number}",
            "account": plan.external_id,
            "title": goal.title.format(b=baseline, v=value),
            "recorded_at": _stamp(_moment(today, spec.days_ago, rng)),
            "goal": goal.text,
            "metric": goal.metric,
            "baseline": baseline,
            "value": value,
            "department": spec.department or goal.department,
            "verified": spec.verified,
        }


def _outcome_value(rng: random.Random, spec: OutcomeSpec, baseline: int) -> int:
    target = rng.randint(*spec.goal.target)
    if spec.verified:
        return target
    # Unconfirmed claims are often interim: part of the way to the goal.
    return round(baseline + (target - baseline) * rng.uniform(0.4, 0.8))


def _opportunity_records(plan: AccountPlan, seed: int, today: dt.date) -> Iterator[dict[str, Any]]:
    rng = _rng(seed, plan.external_id, "opportunities")
    for number, spec in enumerate(plan.opportunities, start=1):
        name, amount = _opportunity_terms(rng, plan, spec.topic)
        record: dict[str, Any] = {
            "type": "opportunity",
            "external_id": f"{plan.external_id}-opp{number}",
            "account": plan.external_id,
            "name": name,
            "stage": spec.stage,
            "amount": amount,
            "created_at": _stamp(_moment(today, spec.created_days_ago, rng)),
        }
        if spec.closed_days_ago is not None:
            record["closed_at"] = _stamp(_moment(today, spec.closed_days_ago, rng))
        yield record


def _opportunity_terms(rng: random.Random, plan: AccountPlan, topic: str) -> tuple[str, int]:
    per_seat = plan.arr / plan.seats
    if topic == "seats":
        extra = _round_to(plan.seats * rng.uniform(0.1, 0.3), 5)
        return f"{plan.name}: {extra} additional seats", _round_to(extra * per_seat, 100)
    if topic == "tier_upgrade" and plan.plan != "Enterprise":
        target = _PLAN_ORDER[_PLAN_ORDER.index(plan.plan) + 1]
        uplift = _PLANS[target].seat_price / _PLANS[plan.plan].seat_price - 1
        return f"{plan.name}: upgrade to {target}", _round_to(plan.arr * uplift, 100)
    if topic == "capacity":
        return f"{plan.name}: higher usage limits", _round_to(plan.arr * 0.1, 100)
    if topic == "scale":
        return f"{plan.name}: rollout to new teams", _round_to(plan.arr * 0.25, 100)
    if topic == "cross_sell":
        return f"{plan.name}: {rng.choice(_PRODUCTS)}", _round_to(plan.arr * 0.2, 100)
    if topic == "volume_pricing":
        return f"{plan.name}: multi-year volume agreement", _round_to(plan.arr * 0.3, 100)
    addon = rng.choice(_ADDONS)
    return f"{plan.name}: {addon[0].upper()}{addon[1:]}", _round_to(plan.arr * 0.15, 100)


def _note_records(plan: AccountPlan, seed: int, today: dt.date) -> Iterator[dict[str, Any]]:
    if not plan.owner_email:
        return  # nobody owns the account, so nobody writes notes on it
    rng = _rng(seed, plan.external_id, "notes")
    pool = list(NOTE_TEMPLATES["general"])
    if not plan.scripted:
        if any(m.kind == "conflict" for m in plan.messages):
            pool.extend(NOTE_TEMPLATES["conflict"])
        if plan.usage.trend == "decline":
            pool.extend(NOTE_TEMPLATES["decline"])
    templates = rng.sample(pool, rng.randint(0 if plan.notes else 1, 3))
    dated = [(rng.randint(10, 240), t.format_map(_slots(rng, plan, today, None)))
             for t in templates]  # fmt: skip
    # Scripted notes explain the scenario, so they are the owner's latest words.
    dated.extend((3 + number, text) for number, text in enumerate(plan.notes))
    dated.sort(key=lambda item: -item[0])
    for number, (age, text) in enumerate(dated, start=1):
        yield {
            "type": "note",
            "external_id": f"{plan.external_id}-n{number}",
            "account": plan.external_id,
            "text": text,
            "created_at": _stamp(_moment(today, age, rng)),
            "author_email": plan.owner_email,
        }


def _ticket_records(plans: Sequence[AccountPlan], seed: int, today: dt.date) -> Iterator[dict[str, Any]]:
    drafts: list[tuple[str, str, int, dict[str, Any]]] = []
    for plan in plans:
        for local, draft in enumerate(_ticket_drafts(plan, seed, today)):
            drafts.append((draft["opened_at"], plan.external_id, local, draft))
    # Support desks number tickets in the order they arrive, across all customers; the
    # gaps are other customers' tickets.
    drafts.sort(key=lambda item: item[:3])
    rng = _rng(seed, "ticket-numbers")
    number = 30_400
    for _, _, _, draft in drafts:
        number += rng.randint(1, 9)
        yield {"type": "ticket", "external_id": f"ZD-{number}", **draft}


def _ticket_drafts(plan: AccountPlan, seed: int, today: dt.date) -> Iterator[dict[str, Any]]:
    rng = _rng(seed, plan.external_id, "tickets")
    for spec in plan.open_tickets:
        yield _open_ticket(rng, plan, spec, today)
    for _ in range(rng.randint(*_SEGMENT_TICKETS[plan.segment])):
        yield _closed_ticket(rng, plan, today)


def _ticket_text(rng: random.Random, plan: AccountPlan, today: dt.date) -> tuple[str, str]:
    subject, body = rng.choice(TICKET_TEMPLATES)
    slots = _slots(rng, plan, today, None)
    return subject.format_map(slots), body.format_map(slots)


def _ticket_contact(rng: random.Random, plan: AccountPlan) -> str:
    active = [c.external_id for c in plan.contacts if c.active]
    return rng.choice(active) if active and rng.random() < 0.85 else ""


def _open_ticket(rng: random.Random, plan: AccountPlan, spec: OpenTicket, today: dt.date) -> dict[str, Any]:
    subject, body = spec.subject, spec.body
    if not subject:
        subject, body = _ticket_text(rng, plan, today)
    record: dict[str, Any] = {
        "account": plan.external_id,
        "subject": subject,
        "body": body,
        "status": spec.status,
        "priority": spec.priority,
        "opened_at": _stamp(_moment(today, spec.days_ago, rng)),
    }
    contact = spec.contact or _ticket_contact(rng, plan)
    if contact:
        record["contact"] = contact
    return record


def _closed_ticket(rng: random.Random, plan: AccountPlan, today: dt.date) -> dict[str, Any]:
    subject, body = _ticket_text(rng, plan, today)
    days_ago = rng.randint(2, 270)
    opened = _moment(today, days_ago, rng)
    # Most tickets close within a day or two; never later than yesterday.
    hours = min(rng.expovariate(1 / 30) + 0.5, (days_ago - 1) * 24 + 4)
    closed = opened + dt.timedelta(hours=hours)
    record: dict[str, Any] = {
        "account": plan.external_id,
        "subject": subject,
        "body": body,
        "status": "closed" if days_ago > 45 and rng.random() < 0.6 else "solved",
        "priority": _weighted(rng, (("low", 20), ("normal", 60), ("high", 15), ("urgent", 5))),
        "opened_at": _stamp(opened),
        "closed_at": _stamp(closed),
    }
    contact = _ticket_contact(rng, plan)
    if contact:
        record["contact"] = contact
    return record


# --------------------------------------------------------------------------- interactions


def _slots(rng: random.Random, plan: AccountPlan, today: dt.date, speaker: Contact | None) -> dict[str, str]:
    """Every slot any template may use, filled for this account and speaker."""
    contacts = [c for c in plan.contacts if c.active] or plan.contacts
    speaker = speaker or rng.choice(contacts)
    others = [c for c in contacts if c is not speaker] or contacts
    deciders = [c for c in contacts if c.role == "decision_maker"] or contacts
    champions = [c for c in contacts if c.role == "champion"] or contacts
    decider = deciders[0]
    used_departments = [d for d in plan.departments if d]
    dept = speaker.department or (used_departments or [plan.goals[0].department])[0]
    elsewhere = [d for d in _DEPARTMENTS if d not in plan.departments and d != dept]
    seats_used = round(plan.seats * plan.usage.seat_ratio)
    extra = _round_to(plan.seats * rng.uniform(0.1, 0.3), 5)
    plan_index = _PLAN_ORDER.index(plan.plan)
    limit_metric, limit, ratio = (plan.usage.limits or (("storage_gb", 500, 0.5),))[0]
    owner_first = next((n.split()[0] for e, n in DEMO_OWNERS if e == plan.owner_email), "")
    return {
        "first": speaker.first_name,
        "speaker": speaker.name,
        "first2": others[0].first_name,
        "dm": decider.name,
        "dm_first": decider.first_name,
        "dm_title": decider.title,
        "champ": champions[0].name,
        "owner_first": owner_first or "team",  # "Hi team," when nobody owns the account
        "signer": owner_first or "The Customer Success team",
        "dept": dept,
        "dept2": rng.choice(elsewhere),
        "new_dept": plan.usage.new_department or rng.choice(elsewhere),
        "plan": plan.plan,
        "next_plan": _PLAN_ORDER[min(plan_index + 1, len(_PLAN_ORDER) - 1)],
        "prev_plan": _PLAN_ORDER[max(plan_index - 1, 0)],
        "seats": str(plan.seats),
        "used": str(seats_used),
        "n": str(extra),
        "seats_up": str(plan.seats + extra),
        "seats_down": str(max(1, _round_to(plan.seats * rng.uniform(0.6, 0.8), 5))),
        "users": f"{_round_to(plan.seats * rng.uniform(1.5, 3.0) + 100, 50):,}",
        "offices": rng.choice(_COUNT_WORDS),
        "pct": str(round(ratio * 100)),
        "limit": _limit_words(limit_metric, limit),
        "more": _more_words(limit_metric, limit),
        "date": _spoken_date(today + dt.timedelta(days=rng.randint(20, 110))),
        "month": _MONTHS[(today + dt.timedelta(days=rng.randint(30, 120))).month - 1],
        "renewal": _spoken_date(plan.renewal),
        "renewal_month": _MONTHS[plan.renewal.month - 1],
        "weekday": rng.choice(_WEEKDAYS),
        "time": rng.choice(_TIMES),
        "report": rng.choice(_REPORTS),
        "integration": rng.choice(_INTEGRATIONS),
        "feature": rng.choice(_FEATURE_NAMES),
        "plan_feature": rng.choice(_PLAN_FEATURES),
        "addon": rng.choice(_ADDONS),
        "product": rng.choice(_PRODUCTS),
        "competitor": rng.choice(_COMPETITORS),
        "version": f"{rng.randint(3, 6)}.{rng.randint(0, 9)}",
        "invoice": f"INV-{today.year}-{rng.randint(1000, 9999)}",
        "po": f"PO-{rng.randint(40000, 99999)}",
        "k": str(rng.randint(4, 60)),
    }


def _limit_words(metric: str, limit: int) -> str:
    if metric == "storage_gb":
        return f"{limit:,} GB storage"
    return f"{limit:,} daily API call"


def _more_words(metric: str, limit: int) -> str:
    if metric == "storage_gb":
        extra = limit // 2
        return f"{extra // 1000} TB" if extra >= 1000 else f"{extra} GB"
    return f"{limit // 2:,} API calls a day"


_GREETINGS = ("Hi {owner_first},", "Hello {owner_first},", "Hi team,", "Hi,", "")
_SIGN_OFFS = ("Thanks,\n{first}", "Best,\n{first}", "Cheers,\n{first}", "Thank you!\n{first}",
              "Kind regards,\n{speaker}", "{first}", "")  # fmt: skip


def _dressed(rng: random.Random, text: str, channel: str, direction: str,
             slots: dict[str, str]) -> str:  # fmt: skip
    """An e-mail as people write it: greeting, body, sign-off. Chats and notes stay bare."""
    if channel != "email":
        return text
    if direction == "outbound":
        return f"{text}\n\nBest,\n{slots['signer']}"
    greeting = rng.choice(_GREETINGS).format_map(slots)
    sign_off = rng.choice(_SIGN_OFFS).format_map(slots)
    return "\n\n".join(part for part in (greeting, text, sign_off) if part)


def _channel(rng: random.Random, text: str, direction: str) -> str:
    if text.startswith("Call note:"):
        return "call"
    if text.startswith("Meeting summary:"):
        return "meeting"
    if direction == "outbound":
        return "email"
    return "email" if rng.random() < 0.7 else "chat"


def _present(plan: AccountPlan, days_ago: int) -> list[Contact]:
    """Active contacts who were already around `days_ago` days ago."""
    usage = plan.usage
    joined_late = usage.new_department and days_ago > usage.new_department_days + 14
    active = [c for c in plan.contacts if c.active] or plan.contacts
    return [c for c in active if not (joined_late and c.department == usage.new_department)]


def _speaker(
    rng: random.Random,
    plan: AccountPlan,
    roles: Sequence[str],
    department: str = "",
    days_ago: int = 0,
) -> Contact:
    active = _present(plan, days_ago)
    if department:
        local = [c for c in active if c.department == department]
        if local:
            return rng.choice(local)
    for role in roles:
        matching = [c for c in active if c.role == role]
        if matching:
            return rng.choice(matching)
    return rng.choice(active)


def _message_speaker(rng: random.Random, plan: AccountPlan, message: Message) -> Contact:
    if message.contact:
        return next(c for c in plan.contacts if c.external_id == message.contact)
    if message.kind == "conflict":
        roles = ("decision_maker", "champion") if rng.random() < 0.8 else ("billing",)
        return _speaker(rng, plan, roles, days_ago=message.days_ago)
    new_department = plan.usage.new_department if message.topic in ("scale", "add_on") else ""
    if message.intent == "buying":
        roles = ("decision_maker", "champion") if rng.random() < 0.35 else ("champion",)
    else:
        roles = ("champion",) if rng.random() < 0.5 else ("user", "champion")
    return _speaker(rng, plan, roles, new_department, message.days_ago)


def _interaction_records(plan: AccountPlan, seed: int, today: dt.date) -> Iterator[dict[str, Any]]:
    rng = _rng(seed, plan.external_id, "interactions")
    drafts = [_signal_draft(rng, plan, message, today) for message in plan.messages]
    low, high = _SEGMENT_MESSAGES[plan.segment]
    drafts.extend(_ordinary_draft(rng, plan, today) for _ in range(rng.randint(low, high)))
    drafts.sort(key=lambda draft: (draft[0], draft[1]))
    for number, (occurred, key, record) in enumerate(drafts, start=1):
        yield {
            "type": "interaction",
            "external_id": key or f"{plan.external_id}-m{number}",
            "account": plan.external_id,
            "text": record.pop("text"),
            "occurred_at": _stamp(occurred),
            **record,
        }


def _signal_draft(
    rng: random.Random, plan: AccountPlan, message: Message, today: dt.date
) -> tuple[dt.datetime, str, dict[str, Any]]:
    speaker = _message_speaker(rng, plan, message)
    if message.text:  # scripted: shown to reviewers exactly as written
        text, channel = message.text, "email"
    else:
        if message.kind == "conflict":
            templates = CONFLICT_TEMPLATES[message.topic]
        else:
            templates = EXPANSION_TEMPLATES[(message.topic, message.intent)]
        slots = _slots(rng, plan, today, speaker)
        text = rng.choice(templates).format_map(slots)
        channel = _channel(rng, text, "inbound")
        text = _dressed(rng, text, channel, "inbound", slots)
    record = {
        "text": text,
        "channel": channel,
        "direction": "inbound",
        "contact": speaker.external_id,
    }
    return _moment(today, message.days_ago, rng), message.key, record


def _ordinary_draft(rng: random.Random, plan: AccountPlan, today: dt.date) -> tuple[dt.datetime, str, dict[str, Any]]:
    weights = [(c, w) for c, w in _CATEGORY_WEIGHTS
               if not (plan.scripted and c in _TRICKY_CATEGORIES)]  # fmt: skip
    category = _weighted(rng, weights)
    direction = "outbound" if category in _OUTBOUND_CATEGORIES else "inbound"
    roles = ("billing",) if category == "billing" else ("champion", "user", "decision_maker")
    days_ago = _recent_days(rng, 180)
    if plan.scripted and direction == "outbound":
        # Keep scenario accounts clear of the 14-day cool-down after outreach.
        days_ago = max(days_ago, 20)
    speaker = _speaker(rng, plan, roles, days_ago=days_ago)
    slots = _slots(rng, plan, today, speaker)
    text = rng.choice(ORDINARY_TEMPLATES[category]).format_map(slots)
    channel = _channel(rng, text, direction)
    record = {
        "text": _dressed(rng, text, channel, direction, slots),
        "channel": channel,
        "direction": direction,
        "contact": speaker.external_id,
    }
    return _moment(today, days_ago, rng), "", record


# --------------------------------------------------------------------------- usage


def _trend_curve(rng: random.Random, trend: str) -> list[float]:
    """Level of usage relative to today's, indexed by days ago (curve[0] == 1)."""
    ages = range(USAGE_DAYS)
    if trend == "growth":
        # Up 35-80% over the last 8-10 weeks: >= 20% over any 8-week comparison.
        span, rise = rng.randint(56, 70), rng.uniform(1.35, 1.8)
        return [rise ** (-min(t, span) / span) for t in ages]
    if trend == "plateau":
        # Grew in the first months, flat for the last 10-14 weeks.
        flat, rise = rng.randint(70, 100), rng.uniform(1.2, 1.5)
        ramp = USAGE_DAYS - flat
        return [1.0 if t < flat else rise ** (-(t - flat) / ramp) for t in ages]
    if trend == "decline":
        # Down 40-60% over the last 8-10 weeks: >= 30% over any 8-week comparison.
        span, fall = rng.randint(56, 70), rng.uniform(0.4, 0.58)
        return [fall ** (-min(t, span) / span) for t in ages]
    drift = rng.uniform(-0.05, 0.05)  # steady (and spike): a few percent over six months
    return [1.0 - drift * t / USAGE_DAYS for t in ages]


def _noise(rng: random.Random, spread: float) -> float:
    return min(1 + 3 * spread, max(1 - 3 * spread, rng.gauss(1.0, spread)))


def _spike_days(rng: random.Random, today: dt.date) -> tuple[int, ...]:
    """One or two consecutive weekdays, 8 to 30 days ago."""
    start = rng.randint(8, 30)
    while (today - dt.timedelta(days=start)).weekday() >= 5:
        start += 1
    return (start,) if rng.random() < 0.6 else (start, start - 1)


def _usage_records(plan: AccountPlan, seed: int, today: dt.date) -> Iterator[dict[str, Any]]:
    rng = _rng(seed, plan.external_id, "usage")
    usage = plan.usage
    ages = range(USAGE_DAYS - 1, -1, -1)  # oldest first
    dates = {t: (today - dt.timedelta(days=t)) for t in ages}
    curve = _trend_curve(rng, usage.trend)
    weekend = rng.uniform(0.8, 1.5)  # how much this customer works at weekends
    shape = [f if i < 5 else f * weekend for i, f in enumerate(_WEEK_SHAPE)]
    spike = _spike_days(rng, today) if usage.trend == "spike" else ()
    spiked = _spiked_metric(usage)

    def emit(
        metric: str, department: str, values: Mapping[int, float], limit: int | None = None
    ) -> Iterator[dict[str, Any]]:
        return _rows(plan.external_id, metric, department, values, dates, limit)

    seats_level = plan.seats * usage.seat_ratio
    damping = 0.35 if usage.trend == "decline" else 0.6  # seats follow usage slowly
    seats_used = {t: _seats_value(rng, seats_level * curve[t] ** damping) for t in ages}
    yield from emit("seats_used", "", seats_used)

    primary_raw: dict[int, float] = {}
    for number, (department, share) in enumerate(usage.departments):
        level = seats_level * usage.engagement * share
        raw = {t: level * curve[t] * shape[dates[t].weekday()] * _noise(rng, 0.05)
               for t in ages}  # fmt: skip
        if number == 0:
            primary_raw = raw
            if spiked == "active_users":
                for t in spike:
                    # A crowd for one all-hands training day, still within seats in use.
                    raw[t] = max(raw[t], 0.95 * seats_used[t] * share)
        yield from emit("active_users", department, {t: round(v) for t, v in raw.items()})

    if usage.feature:
        adoption = rng.uniform(0.2, 0.6)
        values = {t: primary_raw[t] * adoption * _noise(rng, 0.08) for t in ages}
        if spiked == usage.feature:
            for t in spike:
                values[t] *= rng.uniform(3.0, 4.5)
        yield from emit(usage.feature, usage.departments[0][0],
                        {t: round(v) for t, v in values.items()})  # fmt: skip

    for metric, limit, ratio in usage.limits:
        readings: Mapping[int, float]
        if metric == "storage_gb":
            readings = _storage_values(rng, limit * ratio, usage.trend)
        else:
            readings = _api_values(rng, limit, ratio, curve, dates, spike if spiked == metric else ())
        yield from emit(metric, "", readings, limit)

    if usage.new_department:
        yield from emit("active_users", usage.new_department,
                        _new_department_values(rng, usage, shape, today))  # fmt: skip


def _spiked_metric(usage: Usage) -> str:
    """The metric that carries a spike: one with room for it, logins as a last resort."""
    if any(metric == "api_calls" and ratio < 0.85 for metric, _, ratio in usage.limits):
        return "api_calls"
    return usage.feature or "active_users"


def _rows(
    account: str,
    metric: str,
    department: str,
    values: Mapping[int, float],
    dates: dict[int, dt.date],
    limit: int | None,
) -> Iterator[dict[str, Any]]:
    for t, value in values.items():
        record: dict[str, Any] = {"type": "usage", "account": account, "metric": metric,
                                  "value": value, "date": dates[t].isoformat()}  # fmt: skip
        if limit is not None:
            record["limit"] = limit
        if department:
            record["department"] = department
        yield record


def _seats_value(rng: random.Random, level: float) -> int:
    # Seats are assigned, not used: the count moves by a seat now and then, not daily noise.
    jitter = rng.choice((-1, 0, 0, 0, 0, 0, 0, 0, 1)) if level > 10 else 0
    return max(1, round(level) + jitter)


def _storage_values(rng: random.Random, today_gb: float, trend: str) -> dict[int, float]:
    # Storage accumulates: a steady rise of 8-25% over six months, whatever the logins do.
    growth = rng.uniform(0.15, 0.25) if trend == "growth" else rng.uniform(0.08, 0.18)
    return {
        t: round(today_gb * (1 - growth * t / USAGE_DAYS) * _noise(rng, 0.002), 1)
        for t in range(USAGE_DAYS - 1, -1, -1)
    }


def _api_values(
    rng: random.Random,
    limit: int,
    ratio: float,
    curve: Sequence[float],
    dates: dict[int, dt.date],
    spike: Sequence[int],
) -> dict[int, int]:
    # Integrations run every day, so the weekend dip is shallow; near the limit it is
    # shallower still (batch jobs), which keeps every recent day above 85% of the limit.
    weekend = 0.97 if ratio >= 0.85 else rng.uniform(0.75, 0.9)
    values: dict[int, int] = {}
    for t in range(USAGE_DAYS - 1, -1, -1):
        day_factor = 1.0 if dates[t].weekday() < 5 else weekend
        value = limit * ratio * curve[t] * day_factor * _noise(rng, 0.015 if ratio >= 0.85
                                                                else 0.04)  # fmt: skip
        if t in spike:
            value = max(value, min(limit * 0.8, value * rng.uniform(2.5, 4.0)))
        values[t] = round(min(value, limit))
    return values


def _new_department_values(rng: random.Random, usage: Usage, shape: Sequence[float], today: dt.date) -> dict[int, int]:
    start = usage.new_department_days
    while (today - dt.timedelta(days=start)).weekday() >= 5:
        start -= 1  # teams start on a weekday
    values: dict[int, int] = {}
    for t in range(start, -1, -1):
        progress = (start - t + 1) / (start + 1)
        level = usage.new_department_size * (0.15 + 0.85 * progress**0.8)
        value = level * shape[(today - dt.timedelta(days=t)).weekday()] * _noise(rng, 0.08)
        values[t] = max(1, round(value)) if t == start else round(value)
    return values
