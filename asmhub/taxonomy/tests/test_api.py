from django.test import Client


def test_every_taxonomy_list_is_paginated(client: Client, db: None) -> None:
    for path in (
        "sdg/goals",
        "sdg/targets",
        "sdg/indicators",
        "mdg/goals",
        "lever-issues",
        "minerals",
        "countries",
        "regions",
        "stakeholder-types",
        "miner-profiles",
        "risk-categories",
        "codelists",
    ):
        body = client.get(f"/api/taxonomy/{path}", {"limit": 2}).json()
        assert set(body) == {"items", "count"}, path
        assert len(body["items"]) <= 2 and body["count"] >= 2, path


def test_sdg_texts_in_the_asked_language(client: Client, db: None) -> None:
    goal = client.get("/api/taxonomy/sdg/goals/5", {"lang": "sw"}).json()
    assert (
        goal["number"] == 5
        and goal["short"]
        and goal["title"] != client.get("/api/taxonomy/sdg/goals/5").json()["title"]
    )
    french = client.get("/api/taxonomy/lever-issues/gender", HTTP_ACCEPT_LANGUAGE="fr").json()
    assert "femmes" in french["name"].lower()


def test_lever_issues_filter_by_goal(client: Client, db: None) -> None:
    slugs = {
        i["slug"]
        for i in client.get("/api/taxonomy/lever-issues", {"sdg": 5, "limit": 50}).json()["items"]
    }
    assert "gender" in slugs and "mercury-chemicals" not in slugs
    mdg = client.get("/api/taxonomy/mdg/goals", {"sdg": 17}).json()["items"]
    assert [g["number"] for g in mdg] == [8]


def test_minerals_are_found_by_their_french_field_names(client: Client, db: None) -> None:
    items = client.get("/api/taxonomy/minerals", {"q": "cassitérite"}).json()["items"]
    assert [m["slug"] for m in items] == ["tin"]


def test_mining_sector_codes_are_listed(client: Client, db: None) -> None:
    codes = client.get(
        "/api/taxonomy/codelists/Sector/codes", {"category": "322", "limit": 50}
    ).json()
    assert codes["count"] >= 5
    assert all(c["code"].startswith("322") for c in codes["items"])
    assert client.get("/api/taxonomy/codelists/NoSuchList/codes").status_code == 404


def test_countries_filter_by_region_and_grouping(client: Client, db: None) -> None:
    great_lakes = client.get(
        "/api/taxonomy/countries", {"region": "great-lakes-icglr", "limit": 50}
    ).json()
    assert great_lakes["count"] == 12
    drc = next(c for c in great_lakes["items"] if c["code"] == "CD")
    assert drc["region"] == {"id": "africa", "name": "Africa"}
