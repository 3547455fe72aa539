import zoneinfo
from typing import Any

from django import forms

from digests.models import Frequency

# Backward-compatibility links of the tz database that carry a region ('Asia/Calcutta' for
# 'Asia/Kolkata', 'Europe/Kiev' for 'Europe/Kyiv'): the links in tzdata's 'backward' file
# that zone.tab does not list (tzdata 2024-2025). Names without a region (EST5EDT, GB, …)
# and the US/, Etc/, Canada/, … groups are left out by rule below.
LEGACY_ZONES: dict[str, str] = {
    "Africa/Asmera": "Africa/Nairobi",
    "Africa/Timbuktu": "Africa/Abidjan",
    "America/Argentina/ComodRivadavia": "America/Argentina/Catamarca",
    "America/Atka": "America/Adak",
    "America/Buenos_Aires": "America/Argentina/Buenos_Aires",
    "America/Catamarca": "America/Argentina/Catamarca",
    "America/Coral_Harbour": "America/Panama",
    "America/Cordoba": "America/Argentina/Cordoba",
    "America/Ensenada": "America/Tijuana",
    "America/Fort_Wayne": "America/Indiana/Indianapolis",
    "America/Godthab": "America/Nuuk",
    "America/Indianapolis": "America/Indiana/Indianapolis",
    "America/Jujuy": "America/Argentina/Jujuy",
    "America/Knox_IN": "America/Indiana/Knox",
    "America/Louisville": "America/Kentucky/Louisville",
    "America/Mendoza": "America/Argentina/Mendoza",
    "America/Montreal": "America/Toronto",
    "America/Nipigon": "America/Toronto",
    "America/Pangnirtung": "America/Iqaluit",
    "America/Porto_Acre": "America/Rio_Branco",
    "America/Rainy_River": "America/Winnipeg",
    "America/Rosario": "America/Argentina/Cordoba",
    "America/Santa_Isabel": "America/Tijuana",
    "America/Shiprock": "America/Denver",
    "America/Thunder_Bay": "America/Toronto",
    "America/Virgin": "America/Puerto_Rico",
    "America/Yellowknife": "America/Edmonton",
    "Antarctica/South_Pole": "Pacific/Auckland",
    "Asia/Ashkhabad": "Asia/Ashgabat",
    "Asia/Calcutta": "Asia/Kolkata",
    "Asia/Choibalsan": "Asia/Ulaanbaatar",
    "Asia/Chongqing": "Asia/Shanghai",
    "Asia/Chungking": "Asia/Shanghai",
    "Asia/Dacca": "Asia/Dhaka",
    "Asia/Harbin": "Asia/Shanghai",
    "Asia/Istanbul": "Europe/Istanbul",
    "Asia/Kashgar": "Asia/Urumqi",
    "Asia/Katmandu": "Asia/Kathmandu",
    "Asia/Macao": "Asia/Macau",
    "Asia/Rangoon": "Asia/Yangon",
    "Asia/Saigon": "Asia/Ho_Chi_Minh",
    "Asia/Tel_Aviv": "Asia/Jerusalem",
    "Asia/Thimbu": "Asia/Thimphu",
    "Asia/Ujung_Pandang": "Asia/Makassar",
    "Asia/Ulan_Bator": "Asia/Ulaanbaatar",
    "Atlantic/Faeroe": "Atlantic/Faroe",
    "Atlantic/Jan_Mayen": "Europe/Berlin",
    "Australia/ACT": "Australia/Sydney",
    "Australia/Canberra": "Australia/Sydney",
    "Australia/Currie": "Australia/Hobart",
    "Australia/LHI": "Australia/Lord_Howe",
    "Australia/NSW": "Australia/Sydney",
    "Australia/North": "Australia/Darwin",
    "Australia/Queensland": "Australia/Brisbane",
    "Australia/South": "Australia/Adelaide",
    "Australia/Tasmania": "Australia/Hobart",
    "Australia/Victoria": "Australia/Melbourne",
    "Australia/West": "Australia/Perth",
    "Australia/Yancowinna": "Australia/Broken_Hill",
    "Europe/Belfast": "Europe/London",
    "Europe/Kiev": "Europe/Kyiv",
    "Europe/Nicosia": "Asia/Nicosia",
    "Europe/Tiraspol": "Europe/Chisinau",
    "Europe/Uzhgorod": "Europe/Kyiv",
    "Europe/Zaporozhye": "Europe/Kyiv",
    "Pacific/Enderbury": "Pacific/Kanton",
    "Pacific/Johnston": "Pacific/Honolulu",
    "Pacific/Ponape": "Pacific/Guadalcanal",
    "Pacific/Samoa": "Pacific/Pago_Pago",
    "Pacific/Truk": "Pacific/Port_Moresby",
    "Pacific/Yap": "Pacific/Port_Moresby",
}
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
# What a browser may report (ICU still says 'Asia/Calcutta', 'Europe/Kiev') -> the name we offer.
BROWSER_ZONE_ALIASES = {
    **{old: new for old, new in LEGACY_ZONES.items() if new in TIME_ZONE_SET},
    "Etc/UTC": "UTC",
    "Etc/GMT": "UTC",
    "GMT": "UTC",
}


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
    zone_aliases = BROWSER_ZONE_ALIASES

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A legacy name saved before the list was narrowed stays selectable for its owner.
        current = self.initial.get("time_zone")
        if current and current not in TIME_ZONE_SET and current in zoneinfo.available_timezones():
            field = self.fields["time_zone"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [*time_zone_choices(), ("Saved earlier", [(current, current)])]
