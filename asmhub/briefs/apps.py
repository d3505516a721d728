from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from asmhub.core.navigation import NavItem


class BriefsConfig(AppConfig):
    name = "asmhub.briefs"
    label = "briefs"
    verbose_name = _("Briefs")
    demo_loader = "asmhub.briefs.demo.load_demo_briefs"
    home_stats = "asmhub.briefs.services.home_stats"
    search_provider = "asmhub.briefs.search.search_everything"
    alert_sources = "asmhub.briefs.alerts.alert_sources"
    strategy_metrics = "asmhub.briefs.metrics.strategy_metrics"
    navigation = [NavItem(_("Briefs"), "briefs:list", order=48)]

    def ready(self) -> None:
        from asmhub.briefs.services import tagged_briefs
        from asmhub.taxonomy.registry import register_tagged

        register_tagged(tagged_briefs)
