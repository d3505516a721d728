from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from asmhub.core.navigation import NavItem


class StrategyConfig(AppConfig):
    name = "asmhub.strategy"
    label = "strategy"
    verbose_name = _("Strategy")
    demo_loader = "asmhub.strategy.demo.load_demo_strategy"
    home_stats = "asmhub.strategy.services.home_stats"
    strategy_metrics = "asmhub.strategy.metrics.builtin"
    navigation = [NavItem(_("Strategy"), "strategy:list", order=55)]

    def ready(self) -> None:
        from asmhub.strategy import signals

        signals.connect()
