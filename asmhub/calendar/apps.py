from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from asmhub.core.navigation import NavItem


class CalendarConfig(AppConfig):
    name = "asmhub.calendar"
    label = "calendar"
    verbose_name = _("Calendar")
    alert_sources = "asmhub.calendar.alerts.alert_sources"
    demo_loader = "asmhub.calendar.demo.load_demo_calendar"
    home_stats = "asmhub.calendar.demo.home_stats"
    search_provider = "asmhub.calendar.search.search_everything"
    navigation = [NavItem(_("Calendar"), "calendar:month", order=40)]

    def ready(self) -> None:
        from asmhub.calendar.tagged import register

        register()
