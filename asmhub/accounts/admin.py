from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from asmhub.accounts.models import ApiToken, User


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    list_display = ("username", "email", "organization", "is_active", "is_staff")
    list_filter = ("groups", "is_active", "is_staff")
    fieldsets = (*BaseUserAdmin.fieldsets, ("ASM Hub", {"fields": ("organization",)}))  # type: ignore[misc]
    autocomplete_fields = ("organization",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ("name", "user", "hint", "created_at", "last_used_at", "expires_at")
    readonly_fields = ("key_hash", "hint", "created_at", "last_used_at")
