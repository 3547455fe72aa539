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
    if request.method == "POST":
        form = DigestPreferenceForm(request.POST)
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
        return render(request, "digests/settings.html", {"form": form, "leader": is_leader(request.user)}, status=400)
    form = DigestPreferenceForm(
        initial={"frequency": pref.frequency, "time_zone": pref.time_zone, "pilot_summary": pref.pilot_summary}
    )
    return render(request, "digests/settings.html", {"form": form, "leader": is_leader(request.user)})
