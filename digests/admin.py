from django.contrib import admin

from digests.models import DigestPreference, DigestSent


@admin.register(DigestPreference)
class DigestPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "frequency", "time_zone", "pilot_summary"]
    list_filter = ["frequency"]


@admin.register(DigestSent)
class DigestSentAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "period", "items", "sent_at"]
    list_filter = ["kind"]
    readonly_fields = ["user", "kind", "period", "items", "sent_at"]
