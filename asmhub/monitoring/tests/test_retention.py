"""Informants and notes of visits are cleared after their retention period, and only then."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.utils import timezone

from asmhub.core.models import AuditEntry
from asmhub.monitoring import retention
from asmhub.monitoring.models import Programme, Visit
from asmhub.monitoring.tests.conftest import make_site, visit
from asmhub.taxonomy.models import Country

TODAY = dt.date(2026, 7, 15)


def make_visits(db: Any) -> dict[str, Visit]:
    programme = Programme.objects.create(name="Retention", country=Country.objects.get(code="CD"))
    site = make_site(programme, "CD-R1", "Mine R", ["gold"])
    return {
        "old": visit(site, "old", "2024-07-14", informant="Chief Mbala", notes="met Mbala"),
        "edge": visit(site, "edge", "2024-07-15", informant="Mama Neema", notes="kept"),
        "recent": visit(site, "recent", "2026-01-10", informant="Papa Jean", notes="fresh"),
        "old_blank": visit(site, "old-blank", "2023-01-01", workers=40),
    }


def test_only_visits_past_the_retention_period_are_cleared(db: Any, settings: Any) -> None:
    settings.ASMHUB_INFORMANT_RETENTION_MONTHS = 24
    visits = make_visits(db)
    counts = retention.purge_expired(TODAY)
    assert counts["visits"] == 1 and counts["informant"] == 1 and counts["notes"] == 1
    for v in visits.values():
        v.refresh_from_db()
    assert (visits["old"].informant, visits["old"].notes) == ("", "")
    assert visits["edge"].informant == "Mama Neema" and visits["edge"].notes == "kept"
    assert visits["recent"].informant == "Papa Jean"
    assert visits["old_blank"].workers == 40
    [entry] = AuditEntry.objects.filter(action="purge-expired")
    assert entry.changes == {"informant": 1, "notes": 1, "visits": 1, "before": "2024-07-15"}
    assert "Mbala" not in str(entry.changes) + entry.target_repr


def test_a_second_run_and_a_dry_run_change_nothing(db: Any, settings: Any) -> None:
    settings.ASMHUB_INFORMANT_RETENTION_MONTHS = 24
    make_visits(db)
    assert retention.purge_expired(TODAY, dry_run=True)["informant"] == 1
    assert Visit.objects.filter(informant="Chief Mbala").exists()
    retention.purge_expired(TODAY)
    assert retention.purge_expired(TODAY)["visits"] == 0
    assert AuditEntry.objects.filter(action="purge-expired").count() == 1


def test_the_period_follows_the_setting_and_the_command_reports(
    db: Any, settings: Any, capsys: Any
) -> None:
    settings.ASMHUB_INFORMANT_RETENTION_MONTHS = 6
    visits = make_visits(db)
    site = visits["old"].site
    today = timezone.localdate()
    seven = visit(site, "seven", str(today - relativedelta(months=7)), informant="Seven")
    five = visit(site, "five", str(today - relativedelta(months=5)), informant="Five")
    call_command("purge-expired")
    assert "retention 6 months" in capsys.readouterr().out
    seven.refresh_from_db()
    five.refresh_from_db()
    assert (seven.informant, five.informant) == ("", "Five")
