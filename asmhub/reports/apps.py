from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from asmhub.core.navigation import NavItem


class ReportsConfig(AppConfig):
    name = "asmhub.reports"
    label = "reports"
    verbose_name = _("Community reports")
    demo_loader = "asmhub.reports.demo.load_demo_reports"
    navigation = [NavItem(_("Report a problem"), "reports:public", order=55)]
