from django import forms
from django.contrib.auth.models import User

from accounts.models import Segment

RENEWAL_WINDOWS = [
    ("30", "Next 30 days"),
    ("60", "Next 60 days"),
    ("90", "Next 90 days"),
    ("180", "Next 180 days"),
    ("", "Any date"),
]


class PlanFilterForm(forms.Form):
    """The multi-account document's filters. Owners get no owner choice: their own book."""

    renewal = forms.ChoiceField(label="Renewal", choices=RENEWAL_WINDOWS, required=False, initial="90")
    owner = forms.ModelChoiceField(
        label="Owner", queryset=User.objects.none(), required=False, empty_label="All owners"
    )
    segment = forms.ChoiceField(label="Segment", choices=[("", "All segments"), *Segment.choices], required=False)

    def __init__(self, *args: object, leader: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if leader:
            from core.roles import OWNER

            self.fields["owner"].queryset = (  # type: ignore[attr-defined]
                User.objects.filter(groups__name=OWNER, is_active=True).order_by("first_name", "username").distinct()
            )
        else:
            del self.fields["owner"]
