"""Monitoring API: sites, visits, the need index and the legal-tax check."""

from collections.abc import Sequence
from typing import Any, overload

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status
from ninja.pagination import paginate

from asmhub.accounts.auth import PUBLIC
from asmhub.core.api_schemas import answers
from asmhub.core.pagination import Pagination
from asmhub.monitoring import present, snapshot
from asmhub.monitoring.access import Access, access_for
from asmhub.monitoring.api_areas import router as areas_router
from asmhub.monitoring.api_tax import router as tax_router
from asmhub.monitoring.models import Site
from asmhub.monitoring.schemas import FeatureCollectionOut, SiteDetailOut, SiteFilters, SiteOut
from asmhub.monitoring.snapshot import SiteEntry

router = Router(tags=["monitoring"], auth=PUBLIC)
router.add_router("", tax_router)
router.add_router("", areas_router)


MAX_ID = 2**63 - 1  # beyond a database integer: no such site, not an error


class _SitePage(Sequence[dict[str, Any]]):
    """The filtered sites, read from the database only for the page the pagination cuts."""

    def __init__(self, entries: list[SiteEntry], access: Access) -> None:
        self.entries, self.access = entries, access

    def __len__(self) -> int:
        return len(self.entries)

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...
    def __getitem__(self, index: int | slice) -> Any:
        chosen = self.entries[index] if isinstance(index, slice) else [self.entries[index]]
        found = [present.site_data(s, self.access) for s in present.sites_of(chosen)]
        return found if isinstance(index, slice) else found[0]


@router.get(
    "/sites",
    response=answers(list[SiteOut]),
    summary="Mine sites, filtered as on the map",
    description=(
        "Sites by name. Flagged sites' coordinates are rounded to 0.1° (about 11 km) for "
        "users without the programme's grant (`approximate_location`)."
    ),
)
@paginate(Pagination)
def list_sites(request: HttpRequest, filters: Query[SiteFilters]) -> Any:
    chosen = present.MapFilter.from_params(filters.params())
    return _SitePage(present.matching_sites(snapshot.current(), chosen), access_for(request.user))


@router.get(
    "/sites.geojson",
    response=answers(FeatureCollectionOut),
    summary="Mine sites as GeoJSON, filtered as on the map",
    description="The map's data: a FeatureCollection of the located sites (application/geo+json).",
    openapi_extra={
        "responses": {
            200: {
                "content": {
                    "application/geo+json": {
                        "schema": {"$ref": "#/components/schemas/FeatureCollectionOut"}
                    }
                }
            }
        }
    },
)
def sites_geojson(request: HttpRequest, filters: Query[SiteFilters]) -> HttpResponse:
    chosen = present.MapFilter.from_params(filters.params())
    body = present.geojson(snapshot.current(), access_for(request.user), chosen)
    return HttpResponse(body, content_type="application/geo+json")


@router.get(
    "/sites/{id}",
    response=answers(SiteDetailOut, 404),
    exclude_unset=True,
    summary="One mine site with its visits",
    description=(
        "Each visit's `restricted` part (armed actors, informant, notes, which state services "
        "tax) is there only for users granted the programme's restricted fields."
    ),
)
def get_site(request: HttpRequest, id: int) -> Any:
    site = None
    if 0 < id <= MAX_ID:
        site = (
            Site.objects.select_related(
                "programme", "province", "territory", "collectivite", "groupement"
            )
            .prefetch_related("minerals")
            .filter(pk=id)
            .first()
        )
    if site is None:
        return Status(404, {"detail": "Not found"})
    access = access_for(request.user)
    visits = site.visits.prefetch_related(
        "minerals__mineral", "armed_actors", "indicator_values__indicator"
    ).order_by("-date", "-pk")
    return {
        **present.site_data(site, access),
        "visits": [present.visit_data(v, access, site.programme_id) for v in visits],
    }
