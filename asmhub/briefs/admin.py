from django.contrib import admin

from asmhub.briefs.models import Brief, BriefVersion, CountryFacts, CountryFigure


@admin.register(Brief)
class BriefAdmin(admin.ModelAdmin):
    list_display = ["title", "lever_issue", "drafted_at", "edited_at"]


@admin.register(BriefVersion)
class BriefVersionAdmin(admin.ModelAdmin):
    list_display = ["brief", "number", "published_at"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(CountryFigure)
class CountryFigureAdmin(admin.ModelAdmin):
    list_display = ["country", "kind", "value", "year", "source"]


admin.site.register(CountryFacts)
