"""The planning summary as Markdown, for pasting into a deck or a CRM note. Citations
are the evidence ids in brackets, as on the page; each account ends with its evidence."""

import datetime as dt

from planning.records import AccountPlan, EvidenceLine
from planning.selectors import PlanSet


def _cite(ids: list[str]) -> str:
    return "".join(f" [{i}]" for i in ids)


def _md(text: str) -> str:
    # Customer text is quoted, not interpreted: no stray headings, lists or links.
    return text.replace("\\", "\\\\").replace("*", "\\*").replace("_", "\\_").replace("[", "\\[").replace("]", "\\]")


def _money(amount: float | None, currency: str) -> str:
    return "—" if amount is None else f"{amount:,.0f} {currency}"


def _evidence(e: EvidenceLine) -> str:
    when = f"{e.at:%-d %b %Y}" if e.at else "no date"
    who = f", {e.who}" if e.who else ""
    text = f": {_md(e.text)}" if e.text else ""
    return f"- [{e.id}] {e.kind}, {_md(e.title)} ({e.source or 'unknown source'}, {when}{who}){text}"


def plan_markdown(plan: AccountPlan, *, level: int = 1) -> str:
    h = "#" * level
    a = plan.account
    out: list[str] = [f"{h} {_md(a.name)}: account plan for the next QBR", ""]
    renewal = (
        f"{a.renewal_date:%-d %b %Y} (in {a.renewal_days} days)"
        if a.renewal_date and a.renewal_days is not None and a.renewal_days >= 0
        else f"{a.renewal_date:%-d %b %Y} (passed)"
        if a.renewal_date
        else "not on record"
    )
    out += [
        f"As of {plan.as_of:%-d %b %Y}. Account {a.external_id}"
        + (f", {a.segment}" if a.segment else "")
        + (f", owner {a.owner}" if a.owner else ", no owner"),
        "",
        f"- **Renewal:** {renewal}",
        f"- **Package:** {a.plan or '—'}, {a.seats_purchased if a.seats_purchased is not None else '—'} seats, "
        f"ARR {_money(a.arr, a.currency)}",
        f"- **Health:** {a.health or '—'}",
        "",
        f"{h}# Goals and verified outcomes",
        "",
    ]
    if plan.goals:
        for g in plan.goals:
            out.append(f"- **{_md(g.goal)}**: {g.verified} verified outcome{'s' if g.verified != 1 else ''}")
            for o in g.outcomes:
                out.append(f"  - {_md(o.text)}{_cite(o.evidence)}")
    else:
        out.append("No goals on record for this account.")
    if plan.other_outcomes:
        out += ["", "Outcomes against no stated goal:", ""]
        out += [f"- {_md(o.text)}{_cite(o.evidence)}" for o in plan.other_outcomes]
    out += ["", f"{h}# Usage trends (last 90 days; weekly averages of daily totals)", ""]
    out += [f"- {_md(u.text)}{_cite(u.evidence)}" for u in plan.usage] or ["No usage readings in the last 90 days."]
    out += ["", f"{h}# Expansion candidates", ""]
    if plan.candidates:
        for c in plan.candidates:
            state = "open" if c.open else "recent"
            out.append(
                f"- **{c.signal_label}** ({state}; {c.recommendation_label.lower()}, score {c.score}, "
                f"{c.status_label.lower()}, surfaced {c.first_detected_on:%-d %b %Y}): {_md(c.text)}{_cite(c.evidence)}"
            )
            if c.decision:
                out.append(f"  - Decision: {_md(c.decision.text)}{_cite(c.decision.evidence)}")
            for f in c.follow_ups:
                out.append(f"  - Follow-up: {_md(f.text)}{_cite(f.evidence)}")
    else:
        out.append("No open or recent expansion candidates.")
    out += ["", f"{h}# Stakeholders: who asked for what", ""]
    if plan.stakeholders:
        for s in plan.stakeholders:
            role = ", ".join(x for x in (s.title, s.role_label) if x)
            refs = [f"the {c.signal_label} candidate (#{c.id})" for c in s.candidates]
            named = " and ".join([", ".join(refs[:-1]), refs[-1]] if len(refs) > 1 else refs)
            cands = f" Named in the brief of {named}." if s.candidates else ""
            out.append(f"- **{_md(s.name)}**{f' ({_md(role)})' if role else ''}.{cands}")
            for ask in s.asks:
                out.append(f"  - {ask.on:%-d %b %Y}: {_md(ask.text)}{_cite(ask.evidence)}")
    else:
        out.append("No stakeholders or requests on record.")
    out += ["", f"{h}# Unresolved risks", ""]
    out += [f"- {_md(r.text)}{_cite(r.evidence)}" for r in plan.risks] or ["None open."]
    out += ["", f"{h}# Proposed next steps", ""]
    if plan.next_steps:
        for step in plan.next_steps:
            label = "Approved" if step.approved else "Suggested, awaiting the owner's decision"
            out.append(f"- {label} ({step.signal_label}): {_md(step.text)}{_cite(step.evidence)}")
    else:
        out.append("No approved next step and no candidate to pursue.")
    out += ["", f"{h}# Evidence", ""]
    out += [_evidence(e) for e in plan.evidence] or ["Nothing cited."]
    return "\n".join(out) + "\n"


def plan_set_markdown(plan_set: PlanSet, *, title: str, today: dt.date) -> str:
    out = [f"# {title}", "", f"As of {today:%-d %b %Y}: {len(plan_set.plans)} account(s)."]
    if plan_set.capped:
        out.append(
            f"Showing the first {len(plan_set.plans)} of {plan_set.total} accounts (soonest renewal first); "
            "narrow the filters for the rest."
        )
    out.append("")
    for plan in plan_set.plans:
        out.append(plan_markdown(plan, level=2))
    if not plan_set.plans:
        out.append("No accounts match these filters.\n")
    return "\n".join(out)
