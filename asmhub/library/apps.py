from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from asmhub.core.navigation import NavItem


class LibraryConfig(AppConfig):
    name = "asmhub.library"
    label = "library"
    verbose_name = _("Library")
    alert_sources = "asmhub.library.alerts.alert_sources"
    demo_loader = "asmhub.library.services.load_demo_library"
    home_stats = "asmhub.library.services.home_stats"
    search_provider = "asmhub.library.search.search_everything"
    navigation = [NavItem(_("Library"), "library:search", order=5)]

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from asmhub.library import search_index
        from asmhub.library.models import Fact, Resource, SuccessStory
        from asmhub.library.services import reindex_after_save
        from asmhub.library.tagged import register

        register()
        post_save.connect(reindex_after_save, sender=Fact, dispatch_uid="library-reindex-fact")
        post_save.connect(
            reindex_after_save, sender=SuccessStory, dispatch_uid="library-reindex-story"
        )
        # The embedded search index follows every write once it commits (search_index).
        post_save.connect(
            search_index.after_save, sender=Resource, dispatch_uid="library-index-resource"
        )
        for model in (Resource, Fact, SuccessStory):
            post_delete.connect(
                search_index.after_delete,
                sender=model,
                dispatch_uid=f"library-index-delete-{model.__name__}",
            )
        for model, names in (
            (Resource, ("countries", "minerals", "lever_issues", "sdg_goals", "publishers")),
            (SuccessStory, ("countries", "lever_issues")),
        ):
            for name in names:
                m2m_changed.connect(
                    search_index.after_relation,
                    sender=getattr(model, name).through,
                    dispatch_uid=f"library-index-{model.__name__}-{name}",
                )
