"""The JSON API: one NinjaAPI under /api/, one router per app."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation
from ninja.throttling import AnonRateThrottle, AuthRateThrottle

from asmhub import __version__
from asmhub.accounts.api import router as accounts_router
from asmhub.accounts.auth import anonymous
from asmhub.briefs.api import router as briefs_router
from asmhub.calendar.api import router as calendar_router
from asmhub.convenings.api import router as convenings_router
from asmhub.core.api import router as core_router
from asmhub.directory.api import router as directory_router
from asmhub.funding.api import router as funding_router
from asmhub.library.api import router as library_router
from asmhub.monitoring.api import router as monitoring_router
from asmhub.reports.api import router as reports_router
from asmhub.strategy.api import router as strategy_router
from asmhub.taxonomy.api import router as taxonomy_router


class _Schema(OpenAPISchema):
    def operation_security(self, operation: Operation) -> list[dict[str, Any]] | None:
        security = super().operation_security(operation)
        if security is not None and anonymous in operation.auth_callbacks:
            security.append({})  # OpenAPI's way to say: credentials are optional here
        return security


class AsmHubAPI(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return _Schema(api=self, path_prefix=path_prefix)


api = AsmHubAPI(
    title="ASM Hub API",
    version=__version__,
    description=(
        "The open partnership platform for artisanal and small-scale mining. Read endpoints are public "
        "and return published records; sign in (session) or send a personal token "
        "(`Authorization: Bearer asmh_…`) to contribute. Lists take `limit` and `offset`."
    ),
    urls_namespace="api",
    throttle=[
        AnonRateThrottle(settings.API_THROTTLE_ANONYMOUS),
        AuthRateThrottle(settings.API_THROTTLE_AUTHENTICATED),
    ],
)
api.add_router("/", core_router)
api.add_router("/accounts", accounts_router)
api.add_router("/taxonomy", taxonomy_router)
api.add_router("/directory", directory_router)
api.add_router("/library", library_router)
api.add_router("/funding", funding_router)
api.add_router("/calendar", calendar_router)
api.add_router("/monitoring", monitoring_router)
api.add_router("/convenings", convenings_router)
api.add_router("/reports", reports_router)
api.add_router("/strategy", strategy_router)
api.add_router("/briefs", briefs_router)
