"""Schemas every app's API shares: references to taxonomy records, errors, facets."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import Schema, Status

from asmhub.core.actions import SaveContribution
from asmhub.core.facets import FacetResult

if TYPE_CHECKING:
    from asmhub.core.permissions import Visitor


class Ref(Schema):
    """A reference to a taxonomy or directory record: its key and its name."""

    id: str
    name: str


class ErrorOut(Schema):
    detail: str


class FieldError(Schema):
    loc: list[str | int]
    msg: str
    type: str


class InvalidOut(Schema):
    """A request that does not validate: which field, and why."""

    detail: str | list[FieldError]


class FacetOptionOut(Schema):
    value: str
    label: str
    count: int
    selected: bool


class FacetOut(Schema):
    key: str
    label: str
    options: list[FacetOptionOut]


def ref(obj: Any, key: str = "slug", name: str = "name") -> dict[str, str]:
    label = obj.tr(name) if hasattr(obj, "tr") else getattr(obj, name)
    return {"id": str(getattr(obj, key)), "name": str(label)}


def facets_out(results: list[FacetResult]) -> list[dict[str, Any]]:
    return [
        {
            "key": r.key,
            "label": r.label,
            "options": [
                {"value": o.value, "label": o.label, "count": o.count, "selected": o.selected}
                for o in r.options
            ],
        }
        for r in results
    ]


def answers(ok: Any, *errors: int) -> dict[int, Any]:
    """The documented responses of an endpoint: ``ok`` for 200, ErrorOut for the rest.

    Every endpoint may answer 401 (a wrong or expired token is refused, not ignored),
    422 (a parameter that does not validate) and 429 (throttled); ``errors`` adds the
    others it really gives: 400 where it reads a JSON body (one that does not parse),
    403 where a permission is checked, 404 where it looks a record up.
    """
    return {
        200: ok,
        401: ErrorOut,
        422: InvalidOut,
        429: ErrorOut,
        **{code: ErrorOut for code in errors},
    }


def filter_params(filters: Schema) -> dict[str, list[str]]:
    """A list endpoint's query schema as the ``{key: [values]}`` that list searches take."""
    params: dict[str, list[str]] = {}
    for key, value in filters.dict().items():
        if isinstance(value, list):
            params[key] = value
        elif value not in (None, ""):
            params[key] = ["1" if value is True else str(value)]
    return params


def contribute(
    user: Visitor, instance: Any, resolve: Callable[[], tuple[dict[str, Any], dict[str, Any]]]
) -> Status[Any]:
    """Save a contribution from an API payload: 200 with the record, or 422 or 403 saying why.

    ``resolve`` turns the payload into plain values and many-to-many relations, raising
    ValueError that names the field when a slug or code is unknown.
    """
    try:
        plain, relations = resolve()
        return Status(200, SaveContribution(user, instance, plain, relations).execute())
    except ValidationError as exc:
        detail = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
        return Status(422, {"detail": detail})
    except ValueError as exc:
        return Status(422, {"detail": str(exc)})
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc) or "Forbidden"})
