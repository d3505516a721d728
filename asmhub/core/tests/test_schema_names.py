"""Every schema the API uses has a name of its own.

django-ninja gathers the schemas of all operations into one ``components/schemas`` by
name, and when two classes share a name the last one read silently replaces the other:
the document then describes one endpoint's answer with another's schema. So this test
walks the classes themselves, from every operation's parameters and responses down
through their fields, and compares the names the document would give them.
"""

from __future__ import annotations

import enum
import typing
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from ninja import NinjaAPI, Router, Schema
from ninja.constants import NOT_SET
from ninja.openapi.schema import NinjaGenerateJsonSchema
from pydantic import BaseModel, create_model

from asmhub.api import api


def _operation_models(target: NinjaAPI) -> Iterator[tuple[str, type[BaseModel]]]:
    """(operation, model) for every parameter and response model of every operation.

    These top-level models are ninja's own wrappers; the document never names them, it
    names what their fields hold."""
    for bound in target._get_bound_routers():
        for path, view in bound.path_operations.items():
            for operation in view.operations:
                label = (
                    f"{'/'.join(operation.methods)} /{bound.prefix.strip('/')}/{path.lstrip('/')}"
                )
                for model in operation.models:
                    yield label, model
                for model in operation.response_models.values():
                    if model not in (None, NOT_SET):
                        yield label, model


def _named_types(annotation: Any) -> Iterator[type]:
    """The models and enums an annotation holds, however deeply nested."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel | enum.Enum):
        yield annotation
        if issubclass(annotation, BaseModel):
            for field in annotation.model_fields.values():
                yield from _named_types(field.annotation)
        return
    for arg in typing.get_args(annotation):
        yield from _named_types(arg)


def _document_name(cls: type) -> str:
    """The name under which the document lists ``cls``, as pydantic gives it to ninja."""
    probe = create_model("Probe", value=(cls, ...))
    schema = probe.model_json_schema(
        ref_template="{model}", schema_generator=NinjaGenerateJsonSchema
    )
    return str(schema["properties"]["value"]["$ref"])


def collisions(target: NinjaAPI) -> dict[str, list[str]]:
    """Names the document would give to more than one class, with those classes and where
    each is used."""
    classes: dict[str, dict[type, set[str]]] = defaultdict(lambda: defaultdict(set))
    for label, model in _operation_models(target):
        for field in model.model_fields.values():
            for cls in _named_types(field.annotation):
                classes[_document_name(cls)][cls].add(label)
    return {
        name: sorted(
            f"{c.__module__}.{c.__qualname__} ({', '.join(sorted(used))})"
            for c, used in by_class.items()
        )
        for name, by_class in classes.items()
        if len(by_class) > 1
    }


def test_no_two_schemas_of_the_api_share_a_name() -> None:
    assert collisions(api) == {}


def test_the_document_describes_each_schema_by_its_own_fields() -> None:
    """Each class the API uses is listed under its name with its own fields, and the walk
    reaches every schema the document lists (it cannot pass by seeing nothing)."""
    seen = {
        (_document_name(cls), cls)
        for _, model in _operation_models(api)
        for field in model.model_fields.values()
        for cls in _named_types(field.annotation)
    }
    listed = api.get_openapi_schema(path_prefix="/api/")["components"]["schemas"]
    assert set(listed) <= {name for name, _ in seen}
    wrong = sorted(
        f"{name}: {cls.__module__}.{cls.__qualname__}"
        for name, cls in seen
        if issubclass(cls, BaseModel)
        and set(listed[name].get("properties", {}))
        != {f.alias or key for key, f in cls.model_fields.items()}
    )
    assert wrong == []


def _two_things() -> tuple[type[Schema], type[Schema]]:
    first = create_model("Thing", __base__=Schema, a=(int, ...))
    second = create_model("Thing", __base__=Schema, b=(str, ...))
    return first, second


def test_a_shared_name_is_found_even_when_nested_and_paginated() -> None:
    first, second = _two_things()
    wrapper = create_model("Wrapper", __base__=Schema, things=(list[second] | None, None))  # type: ignore[valid-type]
    router_a, router_b = Router(), Router()
    router_a.get("/a", response={200: first})(lambda request: {"a": 1})
    router_b.get("/b", response={200: list[wrapper]})(lambda request: [])  # type: ignore[valid-type]
    target = NinjaAPI(urls_namespace="collision-probe")
    target.add_router("/one", router_a)
    target.add_router("/two", router_b)
    found = collisions(target)
    assert list(found) == ["Thing"] and len(found["Thing"]) == 2
