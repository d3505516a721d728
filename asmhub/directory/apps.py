from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from asmhub.core.navigation import NavItem


class DirectoryConfig(AppConfig):
    name = "asmhub.directory"
    label = "directory"
    verbose_name = _("Directory")
    demo_loader = "asmhub.directory.services.load_demo_directory"
    search_provider = "asmhub.directory.search.search_everything"
    navigation = [
        NavItem(_("Organizations"), "directory:organizations", order=10),
        NavItem(_("People"), "directory:people", order=20),
    ]

    def ready(self) -> None:
        from asmhub.directory.tagged import register

        register()
