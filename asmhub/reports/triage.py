"""Triage of reports by the programme's granted roles: every step audited, the sender told.

The shape of ``core/actions.py``: ``check`` refuses before anything is written, then the
change, its ``Step``, its audit entry and the status reply run in one transaction. A
report turned into an incident goes through the monitoring app's own incident action,
so the incident follows the incident rules (its site is flagged, plans may answer it).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from asmhub.core.actions import audit
from asmhub.monitoring.access import access_for
from asmhub.monitoring.incidents import SaveRecord
from asmhub.monitoring.models import Incident, Site
from asmhub.reports import services
from asmhub.reports.models import Report, Step


class Triage:
    """One step: ``check``, ``link`` (to a site), ``verify``, ``merge``, ``incident``, ``close``."""

    VERBS: ClassVar[tuple[str, ...]] = ("check", "link", "verify", "merge", "incident", "close")

    def __init__(self, user: Any, report: Report, verb: str, **params: Any) -> None:
        self.user, self.report, self.verb, self.params = user, report, verb, params

    def check(self) -> None:
        if not access_for(self.user).reads_restricted(self.report.programme_id):
            raise PermissionDenied(_("Only the programme's granted roles may do this."))
        if self.verb not in self.VERBS:
            raise ValidationError(_("Unknown triage step “%(verb)s”.") % {"verb": self.verb})
        if self.report.state in Report.FINAL:
            raise ValidationError(
                _("Report %(ref)s is already %(state)s.")
                % {"ref": self.report.reference, "state": self.report.get_state_display()}
            )
        site = self.params.get("site")
        if self.verb == "link" and not isinstance(site, Site):
            raise ValidationError(_("Choose the site to link the report to."))
        if self.verb == "merge":
            into = self.params.get("into")
            if not isinstance(into, Report) or into.pk == self.report.pk:
                raise ValidationError(_("Give the reference of another report to merge into."))
            if into.programme_id != self.report.programme_id:
                raise ValidationError(_("A report merges only into a report of its programme."))
        if self.verb == "incident":
            if self.report.site_id is None:
                raise ValidationError(_("Link the report to a site before it becomes an incident."))
            if self.report.risk_category_id is None and not self.params.get("risk_category"):
                raise ValidationError(_("Give the report a risk category first."))
        if self.verb == "close" and not (self.params.get("reason") or "").strip():
            raise ValidationError(
                _("Say why the report is closed: the reason is sent to the sender.")
            )

    def execute(self) -> Report:
        self.check()
        report = self.report
        with transaction.atomic():
            before = report.state
            changes: dict[str, Any] = {}
            first = report.first_response_at is None
            if first:
                report.first_response_at = timezone.now()
            getattr(self, f"_{self.verb}")(changes)
            if report.state != before:
                changes["state"] = {"from": before, "to": report.state}
            note = str(self.params.get("reason") or self.params.get("note") or "")
            if report.state in Report.FINAL:
                self._final_reply()
                report.number_sealed = ""  # no reply is owed any more: drop the number
            elif first:
                services.reply(report, "checking")
            report.save()
            Step.objects.create(report=report, verb=self.verb, note=note, by=self.user)
            audit(self.user, f"report:{self.verb}", report, changes)
        services.deliver_after_commit()
        return report

    def _check(self, changes: dict[str, Any]) -> None:
        self.report.state = Report.State.CHECKING

    def _link(self, changes: dict[str, Any]) -> None:
        site: Site = self.params["site"]
        changes["site"] = {"from": self.report.site_id, "to": site.pk}
        self.report.site = site
        self.report.area = services.area_of(site)
        self.report.programme_id = site.programme_id
        if self.report.state == Report.State.NEW:
            self.report.state = Report.State.CHECKING

    def _verify(self, changes: dict[str, Any]) -> None:
        self.report.state = Report.State.VERIFIED
        self.report.verified_at = timezone.now()

    def _merge(self, changes: dict[str, Any]) -> None:
        into: Report = self.params["into"]
        changes["duplicate_of"] = {"from": None, "to": into.reference}
        self.report.duplicate_of = into
        self.report.state = Report.State.MERGED

    def _incident(self, changes: dict[str, Any]) -> None:
        report = self.report
        category = self.params.get("risk_category") or report.risk_category
        incident = SaveRecord(
            self.user,
            Incident(site=report.site),
            {
                "date": report.happened_on or timezone.localdate(report.received_at),
                "risk_category": category,
                "severity": self.params.get("severity") or Incident.Severity.MEDIUM,
                "description": report.text,
                "source": _("Community report %(ref)s") % {"ref": report.reference},
            },
            report.programme_id,
        ).execute()
        changes["incident"] = {"from": None, "to": incident.pk}
        report.incident = incident
        report.risk_category = category
        if report.verified_at is None:
            report.verified_at = timezone.now()
        report.state = Report.State.INCIDENT

    def _close(self, changes: dict[str, Any]) -> None:
        self.report.close_reason = str(self.params["reason"]).strip()
        self.report.state = Report.State.CLOSED

    def _final_reply(self) -> None:
        report = self.report
        if report.state == Report.State.INCIDENT:
            services.reply(report, "followed_up")
        elif report.state == Report.State.MERGED:
            services.reply(report, "merged")
        else:
            services.reply(report, "closed", reason=report.close_reason)
