import zoneinfo
from typing import Any

from django import forms

from digests.models import Frequency

# Backward-compatibility links of the tz database that carry a region ('Asia/Calcutta' for
# 'Asia/Kolkata', 'Europe/Kiev' for 'Europe/Kyiv'): the links in tzdata's 'backward' file
# that zone.tab does not list (tzdata 2024-2025). Names without a region (EST5EDT, GB, …)
# and the US/, Etc/, Canada/, … groups are left out by rule below.
LEGACY_ZONES = frozenset(
    [
        "Africa/Asmera",
        "Africa/Timbuktu",
        "America/Argentina/ComodRivadavia",
        "America/Atka",
        "America/Buenos_Aires",
        "America/Catamarca",
        "America/Coral_Harbour",
        "America/Cordoba",
        "America/Ensenada",
        "America/Fort_Wayne",
        "America/Godthab",
        "America/Indianapolis",
        "America/Jujuy",
        "America/Knox_IN",
        "America/Louisville",
        "America/Mendoza",
        "America/Montreal",
        "America/Nipigon",
        "America/Pangnirtung",
        "America/Porto_Acre",
        "America/Rainy_River",
        "America/Rosario",
        "America/Santa_Isabel",
        "America/Shiprock",
        "America/Thunder_Bay",
        "America/Virgin",
        "America/Yellowknife",
        "Antarctica/South_Pole",
        "Asia/Ashkhabad",
        "Asia/Calcutta",
        "Asia/Choibalsan",
        "Asia/Chongqing",
        "Asia/Chungking",
        "Asia/Dacca",
        "Asia/Harbin",
        "Asia/Istanbul",
        "Asia/Kashgar",
        "Asia/Katmandu",
        "Asia/Macao",
        "Asia/Rangoon",
        "Asia/Saigon",
        "Asia/Tel_Aviv",
        "Asia/Thimbu",
        "Asia/Ujung_Pandang",
        "Asia/Ulan_Bator",
        "Atlantic/Faeroe",
        "Atlantic/Jan_Mayen",
        "Australia/ACT",
        "Australia/Canberra",
        "Australia/Currie",
        "Australia/LHI",
        "Australia/NSW",
        "Australia/North",
        "Australia/Queensland",
        "Australia/South",
        "Australia/Tasmania",
        "Australia/Victoria",
        "Australia/West",
        "Australia/Yancowinna",
        "Europe/Belfast",
        "Europe/Kiev",
        "Europe/Nicosia",
        "Europe/Tiraspol",
        "Europe/Uzhgorod",
        "Europe/Zaporozhye",
        "Pacific/Enderbury",
        "Pacific/Johnston",
        "Pacific/Ponape",
        "Pacific/Samoa",
        "Pacific/Truk",
        "Pacific/Yap",
    ]
)
LEGACY_GROUPS = ("US/", "Etc/", "Canada/", "Mexico/", "Brazil/", "Chile/", "SystemV/")

# The zones most of our customers' teams work in, offered first.
COMMON_ZONES = (
    "UTC",
    "America/Los_Angeles",
    "America/Denver",
    "America/Chicago",
    "America/New_York",
    "America/Toronto",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Amsterdam",
    "Europe/Berlin",
    "Europe/Paris",
    "Europe/Madrid",
    "Europe/Stockholm",
    "Europe/Warsaw",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
)


def canonical_time_zones() -> list[str]:
    """The tz database's current names: no aliases kept only for backward compatibility."""
    return sorted(
        z
        for z in zoneinfo.available_timezones()
        if (z == "UTC" or "/" in z) and not z.startswith(LEGACY_GROUPS) and z not in LEGACY_ZONES
    )


TIME_ZONES = canonical_time_zones()
TIME_ZONE_SET = frozenset(TIME_ZONES)


def _city(zone: str, region: bool = False) -> str:
    """'America/Argentina/Buenos_Aires' -> 'Argentina / Buenos Aires' (with region=True,
    'Buenos Aires (America)'; 'UTC' stays 'UTC')."""
    head, _, rest = zone.partition("/")
    if not rest:
        return zone
    city = rest.replace("_", " ").replace("/", " / ")
    return f"{city.rsplit(' / ', 1)[-1]} ({head})" if region else city


def time_zone_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Optgroups: the common business zones first, then every zone by region."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for zone in TIME_ZONES:
        if zone != "UTC":
            groups.setdefault(zone.split("/", 1)[0], []).append((zone, _city(zone)))
    common = [(z, _city(z, region=True)) for z in COMMON_ZONES if z in TIME_ZONE_SET]
    return [("Common", common), *sorted(groups.items())]


class DigestPreferenceForm(forms.Form):
    frequency = forms.ChoiceField(label="Digest e-mail", choices=Frequency.choices, widget=forms.RadioSelect)
    time_zone = forms.ChoiceField(
        label="Your time zone",
        choices=time_zone_choices,
        help_text="Digests arrive at 08:00 in this time zone.",
    )
    pilot_summary = forms.BooleanField(label="Weekly pilot summary (CS leaders)", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A legacy name saved before the list was narrowed stays selectable for its owner.
        current = self.initial.get("time_zone")
        if current and current not in TIME_ZONE_SET and current in zoneinfo.available_timezones():
            field = self.fields["time_zone"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [*time_zone_choices(), ("Saved earlier", [(current, current)])]
