from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from asmhub.core.navigation import NavItem


class ConveningsConfig(AppConfig):
    name = "asmhub.convenings"
    label = "convenings"
    verbose_name = _("Convenings")
    demo_loader = "asmhub.convenings.demo.load_demo_convenings"
    home_stats = "asmhub.convenings.demo.home_stats"
    navigation = [NavItem(_("Convenings"), "convenings:list", order=45)]
