"""Demo reports: a few reports at the demo programme's sites, some old enough for the public
counts, in every state of triage; loading again changes nothing."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from asmhub.monitoring.models import Site
from asmhub.reports import services
from asmhub.reports.models import Report
from asmhub.taxonomy.models import RiskCategory

SEED = 20261207
TEXTS = (
    "Des militaires prennent un sac de minerai par equipe a l'entree du puits.",
    "Watoto wanafanya kazi shimoni usiku.",
    "Un groupe arme a installe une barriere sur la route du site.",
    "The cooperative president asks for a fee to let us dig.",
    "Le mercure est brule pres des maisons.",
    "Polisi wanachukua dhahabu sokoni.",
)


def load_demo_reports(count: int = 14) -> dict[str, int]:
    """Create the demo reports once; the public page shows the areas with enough old ones."""
    if Report.objects.exists():
        return {"reports": Report.objects.count()}
    try:
        programme = services.programme()
    except services.ChannelClosed:
        return {"reports": 0}
    sites = list(
        Site.objects.filter(programme=programme, territory__isnull=False).order_by("pk")[:3]
    )
    categories = list(RiskCategory.objects.order_by("position"))
    chance = random.Random(SEED)  # noqa: S311 - not for security
    now = timezone.now()
    with transaction.atomic():
        for n in range(count):
            site = sites[0] if sites and n < 6 else (chance.choice(sites) if sites else None)
            values = {
                "text": TEXTS[n % len(TEXTS)],
                "site": site,
                "place": "" if site else "Walikale",
                "actor": chance.choice(("FARDC", "PNC", "", "Mai-Mai")),
                "risk_category": categories[n % len(categories)],
                "happened_on": (now - dt.timedelta(days=45 - n * 3)).date(),
            }
            report = services.create(
                chance.choice(("web", "sms")), values, language=("fr", "sw")[n % 2]
            )
            received = now - dt.timedelta(days=44 - n * 3, hours=n)
            Report.objects.filter(pk=report.pk).update(received_at=received)
    return {"reports": Report.objects.count()}
