from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from asmhub.core.navigation import NavItem


class LibraryConfig(AppConfig):
    name = "asmhub.library"
    label = "library"
    verbose_name = _("Library")
    demo_loader = "asmhub.library.services.load_demo_library"
    home_stats = "asmhub.library.services.home_stats"
    search_provider = "asmhub.library.search.search_everything"
    navigation = [NavItem(_("Library"), "library:search", order=5)]

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from asmhub.library.models import Fact, SuccessStory
        from asmhub.library.services import reindex_after_save
        from asmhub.library.tagged import register

        register()
        post_save.connect(reindex_after_save, sender=Fact, dispatch_uid="library-reindex-fact")
        post_save.connect(
            reindex_after_save, sender=SuccessStory, dispatch_uid="library-reindex-story"
        )
