from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from asmhub.core.navigation import NavItem


class TaxonomyConfig(AppConfig):
    name = "asmhub.taxonomy"
    label = "taxonomy"
    verbose_name = _("Taxonomy")
    navigation = [NavItem(_("Goals & issues"), "taxonomy:index", order=80)]
