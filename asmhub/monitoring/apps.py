from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from asmhub.core.navigation import NavItem


class MonitoringConfig(AppConfig):
    name = "asmhub.monitoring"
    label = "monitoring"
    verbose_name = _("Field monitoring")
    demo_loader = "asmhub.monitoring.demo.load_demo_monitoring"
    home_stats = "asmhub.monitoring.demo.home_stats"
    search_provider = "asmhub.monitoring.search.search_everything"
    navigation = [NavItem(_("Monitoring"), "monitoring:map", order=50)]

    def ready(self) -> None:
        from asmhub.monitoring import incidents, snapshot

        snapshot.connect_signals()
        incidents.connect_signals()
