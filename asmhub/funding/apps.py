from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from asmhub.core.navigation import NavItem


class FundingConfig(AppConfig):
    name = "asmhub.funding"
    label = "funding"
    verbose_name = _("Funding")
    alert_sources = "asmhub.funding.alerts.alert_sources"
    demo_loader = "asmhub.funding.services.load_demo_funding"
    home_stats = "asmhub.funding.services.home_stats"
    search_provider = "asmhub.funding.search.search_everything"
    navigation = [NavItem(_("Donors"), "funding:donors", order=30)]

    def ready(self) -> None:
        from asmhub.funding.index import connect_signals
        from asmhub.funding.tagged import register

        register()
        connect_signals()
