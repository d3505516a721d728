"""Proposed changes to published profiles: kept as JSON, shown as a diff, applied on approval.

A change that ``core.permissions.change_needs_review`` holds back is stored as a
``Revision`` by ``core.actions.SaveContribution`` and applied, by an editor, through
``core.actions.ReviewRevision``; the record itself, and so its public page, stays as it
was until then.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from asmhub.core import permissions
from asmhub.core.models import Revision

if TYPE_CHECKING:
    from asmhub.core.permissions import Visitor


def _field(model: type[models.Model], name: str) -> Any:
    return model._meta.get_field(name)


def dump_values(model: type[models.Model], values: dict[str, Any]) -> dict[str, Any]:
    """Plain field values as JSON: a foreign key by its key, the rest as Django encodes it."""
    dumped: dict[str, Any] = {}
    for name, value in values.items():
        field = _field(model, name)
        if field.is_relation:
            dumped[name] = value.pk if value is not None else None
        else:
            dumped[name] = json.loads(json.dumps(value, cls=DjangoJSONEncoder))
    return dumped


def load_values(model: type[models.Model], dumped: dict[str, Any]) -> dict[str, Any]:
    """The inverse of ``dump_values``: field values ready to set on a record."""
    values: dict[str, Any] = {}
    for name, raw in dumped.items():
        field = _field(model, name)
        if field.is_relation:
            related = field.related_model
            values[name] = None if raw is None else related._default_manager.get(pk=raw)
        else:
            values[name] = field.to_python(raw)
    return values


def dump_relations(relations: dict[str, Any]) -> dict[str, list[Any]]:
    return {name: sorted(obj.pk for obj in objects) for name, objects in relations.items()}


def load_relations(model: type[models.Model], dumped: dict[str, list[Any]]) -> dict[str, Any]:
    return {
        name: list(_field(model, name).related_model._default_manager.filter(pk__in=keys))
        for name, keys in dumped.items()
    }


def changed_only(
    instance: models.Model, values: dict[str, Any], relations: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The values and relations that differ from what ``instance`` holds."""
    plain = {k: v for k, v in values.items() if getattr(instance, k) != v}
    m2m = {
        k: list(objects)
        for k, objects in relations.items()
        if set(getattr(instance, k).all()) != set(objects)
    }
    return plain, m2m


def pending_for(user: Visitor, obj: models.Model) -> Revision | None:
    """The proposal awaiting review for ``obj``, when ``user`` may see it."""
    if obj.pk is None:
        return None
    revision = (
        Revision.objects.filter(
            target_type=ContentType.objects.get_for_model(obj),
            target_id=str(obj.pk),
            state=Revision.State.PENDING,
        )
        .select_related("proposed_by")
        .first()
    )
    if revision is None or not permissions.can_view_revision(user, revision):
        return None
    return revision


@dataclass(frozen=True)
class Difference:
    field: str
    label: str
    current: str
    proposed: str


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list | tuple | set):
        return ", ".join(sorted(str(v) for v in value)) or "—"
    return str(value)


def differences(revision: Revision) -> list[Difference]:
    """What the proposal changes, field by field: the record's value and the proposed one."""
    target = revision.target
    if target is None:
        return []
    model = type(target)
    found = []
    for name, value in load_values(model, revision.values).items():
        label = str(_field(model, name).verbose_name)
        found.append(Difference(name, label, _shown(getattr(target, name)), _shown(value)))
    for name, objects in load_relations(model, revision.relations).items():
        label = str(_field(model, name).verbose_name)
        found.append(
            Difference(name, label, _shown(list(getattr(target, name).all())), _shown(objects))
        )
    return found
