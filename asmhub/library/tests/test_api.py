from collections.abc import Callable

from django.test import Client

from asmhub.library.models import Resource


def test_the_api_searches_like_the_page(client: Client, add_text: Callable[..., Resource]) -> None:
    resource = add_text(year=2005)
    body = client.get("/api/library/search", {"q": "mercury women Peru"}).json()
    assert body["total"] >= 1
    hit = body["hits"][0]
    assert hit["resource"] == resource.slug and hit["kind"] == "passage"
    assert "<mark>" in hit["snippet"] and hit["url"].startswith(f"/library/{resource.slug}/#p")
    assert {f["key"] for f in body["facets"]} >= {"type", "country", "year", "language"}


def test_resources_and_passages(client: Client, add_text: Callable[..., Resource]) -> None:
    resource = add_text()
    body = client.get(f"/api/library/resources/{resource.slug}").json()
    assert body["title"] == resource.title and body["format"] == "markdown"
    passages = client.get(f"/api/library/resources/{resource.slug}/passages").json()
    assert passages["count"] == resource.passages.count()
    assert passages["items"][0]["position"] == 0


def test_drafts_are_not_in_the_public_api(
    client: Client, add_text: Callable[..., Resource]
) -> None:
    draft = add_text("draft.md", "Secret tantalum notes.\n", publish=False)
    assert client.get(f"/api/library/resources/{draft.slug}").status_code == 404
    assert client.get("/api/library/search", {"q": "tantalum"}).json()["total"] == 0
