from django.contrib import admin

from plays.models import Play


@admin.register(Play)
class PlayAdmin(admin.ModelAdmin):
    list_display = ("name", "signal_type", "segment", "recommendation", "involve", "target_days")
    list_filter = ("signal_type", "segment", "recommendation")
    search_fields = ("name", "next_step")
    fieldsets = (
        (
            "Applies to",
            {
                "fields": ("name", "signal_type", "segment", "recommendation"),
                "description": "Most specific wins: type + segment + recommendation, then type + segment, "
                "then type + recommendation, then the type's default (segment and recommendation empty).",
            },
        ),
        ("The play", {"fields": ("next_step", "involve", "proof", "questions", "avoid", "target_days")}),
        ("The draft first message", {"fields": ("message_ask", "message_quotes_customer")}),
    )
