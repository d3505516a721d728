from django.contrib import admin

from asmhub.outreach.models import Newsletter


@admin.register(Newsletter)
class NewsletterAdmin(admin.ModelAdmin):
    list_display = ["subject", "state", "created_at", "sent_at"]
    list_filter = ["state"]
    readonly_fields = ["state", "sent_at", "created_by"]
