from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "asmhub.core"
    label = "core"
    verbose_name = _("Site")

    def ready(self) -> None:
        from django.db import connections
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate, pre_migrate

        from asmhub.core import dataversions

        connection_created.connect(dataversions.on_connection_created)
        pre_migrate.connect(dataversions.pause)
        post_migrate.connect(dataversions.resume)
        for connection in connections.all(initialized_only=True):
            dataversions.watch(connection)
