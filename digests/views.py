from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from core.roles import is_leader
from digests.forms import DigestPreferenceForm
from digests.services import preference_for, preference_update


@login_required
def digest_settings(request: HttpRequest) -> HttpResponse:
    pref = preference_for(request.user)
    initial = {"frequency": pref.frequency, "time_zone": pref.time_zone, "pilot_summary": pref.pilot_summary}
    # No saved preference yet: the page offers the browser's time zone (app.js) instead of UTC.
    context = {"leader": is_leader(request.user), "zone_unset": pref.pk is None}
    if request.method == "POST":
        form = DigestPreferenceForm(request.POST, initial=initial)
        if form.is_valid():
            d = form.cleaned_data
            preference_update(
                user=request.user,
                frequency=d["frequency"],
                time_zone=d["time_zone"],
                pilot_summary=d["pilot_summary"] and is_leader(request.user),
            )
            messages.success(request, "Your e-mail settings are saved.")
            return redirect("digest-settings")
        return render(request, "digests/settings.html", {"form": form, **context}, status=400)
    return render(request, "digests/settings.html", {"form": DigestPreferenceForm(initial=initial), **context})
