from django.contrib import admin

from asmhub.calendar.models import Event, SavedFilter


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "start", "state", "status", "organizer"]
    list_filter = ["kind", "status", "state", "is_advocacy"]
    search_fields = ["title", "uid", "place"]
    readonly_fields = ["uid", "sequence"]
    autocomplete_fields = ["organizer", "contact", "parent"]


@admin.register(SavedFilter)
class SavedFilterAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "weekly_digest", "last_digest_at"]
    readonly_fields = ["token"]
