import zoneinfo

from django import forms

from digests.models import Frequency

TIME_ZONES = sorted(zoneinfo.available_timezones())


class DigestPreferenceForm(forms.Form):
    frequency = forms.ChoiceField(label="Digest e-mail", choices=Frequency.choices, widget=forms.RadioSelect)
    time_zone = forms.ChoiceField(
        label="Your time zone",
        choices=[(z, z) for z in TIME_ZONES],
        help_text="Digests arrive at 08:00 in this time zone.",
    )
    pilot_summary = forms.BooleanField(label="Weekly pilot summary (CS leaders)", required=False)
