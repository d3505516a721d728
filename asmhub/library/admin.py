from django.contrib import admin

from asmhub.library.models import Fact, Passage, Resource, SuccessStory


class PassageInline(admin.TabularInline):
    model = Passage
    extra = 0
    fields = ("position", "page", "heading", "text")
    readonly_fields = fields
    can_delete = False
    show_change_link = False


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ("title", "resource_type", "year", "language", "status", "ingest_status")
    list_filter = ("status", "resource_type", "ingest_status", "language")
    search_fields = ("title", "authors")
    filter_horizontal = (
        "publishers",
        "countries",
        "minerals",
        "lever_issues",
        "sdg_goals",
        "sdg_targets",
        "mdg_goals",
    )
    readonly_fields = ("content_hash", "format", "page_count", "word_count", "file_name")


@admin.register(Fact)
class FactAdmin(admin.ModelAdmin):
    list_display = ("statement", "value", "unit", "scope", "year", "status")
    list_filter = ("status", "scope")
    search_fields = ("statement", "quote")
    filter_horizontal = ("countries", "minerals", "lever_issues")
    raw_id_fields = ("resource", "passage")


@admin.register(SuccessStory)
class SuccessStoryAdmin(admin.ModelAdmin):
    list_display = ("title", "place", "stage", "status")
    list_filter = ("stage", "status")
    search_fields = ("title", "place")
    filter_horizontal = (
        "countries",
        "organizations",
        "lever_issues",
        "sdg_targets",
        "mdg_goals",
        "evidence_resources",
    )
