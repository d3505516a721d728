from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from asmhub.monitoring.models import (
    AdminUnit,
    ColumnMapping,
    CorrectiveAction,
    CorrectivePlan,
    Incident,
    Indicator,
    LegalTax,
    LevyingBody,
    Programme,
    ProgrammeGrant,
)


class GrantInline(admin.TabularInline):
    model = ProgrammeGrant
    fk_name = "programme"
    extra = 1
    autocomplete_fields = ["user", "organization"]
    readonly_fields = ["granted_by", "created_at"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "owner_organization", "is_synthetic"]
    inlines = [GrantInline]
    autocomplete_fields = ["owner_organization"]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        for grant in formset.save(commit=False):
            if grant.granted_by_id is None:
                grant.granted_by = request.user
            grant.save()
        formset.save_m2m()
        for gone in formset.deleted_objects:
            gone.delete()


@admin.register(AdminUnit)
class AdminUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "parent", "country"]
    list_filter = ["level", "country"]
    search_fields = ["name", "key"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "unit", "programme"]
    list_filter = ["kind", "programme"]


class ActionInline(admin.TabularInline):
    model = CorrectiveAction
    extra = 1
    autocomplete_fields = ["owner"]


@admin.register(CorrectivePlan)
class CorrectivePlanAdmin(admin.ModelAdmin):
    list_display = ["title", "programme", "created_at"]
    filter_horizontal = ["incidents"]
    inlines = [ActionInline]


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ["site", "date", "risk_category", "severity", "state"]
    list_filter = ["risk_category", "severity", "state"]
    raw_id_fields = ["site"]


@admin.register(LevyingBody)
class LevyingBodyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "may_levy"]


@admin.register(LegalTax)
class LegalTaxAdmin(admin.ModelAdmin):
    list_display = ["name", "levying_body", "admin_unit", "amount", "currency", "valid_from"]
    list_filter = ["country", "levying_body", "is_illustrative"]


@admin.register(ColumnMapping)
class ColumnMappingAdmin(admin.ModelAdmin):
    list_display = ["name", "created_by", "created_at"]
