from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "asmhub.outreach"
    label = "outreach"
    verbose_name = _("Outreach")

    def ready(self) -> None:
        from asmhub.core.signals import revision_changed, status_changed
        from asmhub.outreach import alerts, moderation

        alerts.load_app_sources()
        status_changed.connect(alerts.on_status_changed, dispatch_uid="outreach-alerts")
        status_changed.connect(moderation.on_status_changed, dispatch_uid="outreach-moderation")
        revision_changed.connect(
            moderation.on_revision_changed, dispatch_uid="outreach-moderation-revisions"
        )
