"""Every page fits a phone (390 px) and a tablet (768 px) without horizontal scroll,
for the owner and the leader; phone-width screenshots of the main screens."""

import pytest

from signals.models import Candidate
from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def _overflow(page) -> list[str]:
    """The widest elements sticking out of the viewport (empty when the page fits)."""
    return page.evaluate("""() => {
        const w = window.innerWidth;
        if (document.documentElement.scrollWidth <= w) return [];
        const clipped = e => {
            for (let p = e.parentElement; p; p = p.parentElement) {
                const o = getComputedStyle(p).overflowX;
                if (o === 'auto' || o === 'scroll' || o === 'hidden') return true;
            }
            return false;
        };
        return [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > w + 1 && !clipped(e))
            .slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));
    }""")


@pytest.mark.parametrize("width", [390, 768])
def test_every_page_fits(browser, live_server, demo_data, width, tmp_path) -> None:
    dana = Candidate.objects.filter(account__owner__username="dana@example.com").select_related("account").first()
    assert dana is not None, "the demo gives Dana candidates"
    pages = {
        "dana@example.com": [
            "/queue/",
            f"/candidates/{dana.pk}/",
            f"/accounts/{dana.account_id}/",
            "/review/",
            "/dashboard/",
        ],
        "lee@example.com": ["/queue/", "/triage/", "/dashboard/", "/review/"],
        # the admin sees more of the dashboard (the sample audit's table was 509 px wide at 390)
        "admin@example.com": ["/dashboard/", "/admin/signals/rule/"],
    }
    problems = {}
    for user, urls in pages.items():
        context = browser.new_context(viewport={"width": width, "height": 844}, base_url=live_server.url)
        page = context.new_page()
        sign_in(page, user)
        for url in urls:
            page.goto(url)
            sticking_out = _overflow(page)
            if sticking_out:
                problems[f"{user} {url}"] = sticking_out
            if width == 390 and not user.startswith("admin"):
                name = {"/queue/": "queue", "/triage/": "triage", "/dashboard/": "dashboard", "/review/": "review"}.get(
                    url, "account" if url.startswith("/accounts/") else "candidate"
                )
                screenshot(page, f"phone-{name}-{user.split('@')[0]}", tmp_path)
        context.close()
    for k, v in problems.items():
        print("OVERFLOW", k, v)
    assert not problems, problems
