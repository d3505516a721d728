from django.contrib import admin

from asmhub.directory.models import (
    Affiliation,
    ContactDetails,
    NetworkMembership,
    Organization,
    Person,
)


class MembershipInline(admin.TabularInline):
    model = NetworkMembership
    fk_name = "organization"
    extra = 0
    autocomplete_fields = ("network",)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "acronym", "stakeholder_type", "hq_country", "status")
    list_filter = ("status", "stakeholder_type")
    search_fields = ("name", "acronym")
    autocomplete_fields = ("parent",)
    filter_horizontal = ("countries", "lever_issues")
    inlines = [MembershipInline]


class AffiliationInline(admin.TabularInline):
    model = Affiliation
    extra = 0
    autocomplete_fields = ("organization",)


class ContactInline(admin.StackedInline):
    model = ContactDetails
    extra = 0


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("name", "is_champion", "status")
    list_filter = ("status", "is_champion")
    search_fields = ("name", "expertise")
    filter_horizontal = ("countries", "lever_issues", "champion_countries")
    inlines = [AffiliationInline, ContactInline]

    def get_inlines(self, request, obj):  # type: ignore[no-untyped-def]
        # Contact details only for those allowed to read them.
        if request.user.has_perm("directory.view_contact_details"):
            return self.inlines
        return [AffiliationInline]
