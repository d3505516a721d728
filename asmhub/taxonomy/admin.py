from django.contrib import admin

from asmhub.taxonomy import models as tx

# Reference data is loaded from files (asmhub load-taxonomy); the admin only shows it.


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(tx.Country)
class CountryAdmin(ReadOnly):
    list_display = ("code", "alpha3", "name", "subregion")
    search_fields = ("code", "alpha3", "name")


for model in (
    tx.SDGGoal,
    tx.SDGTarget,
    tx.MDGGoal,
    tx.LeverIssue,
    tx.Mineral,
    tx.StakeholderType,
    tx.RiskCategory,
    tx.Region,
    tx.CodeList,
):
    admin.site.register(model, ReadOnly)
