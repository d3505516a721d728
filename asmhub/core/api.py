from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from asmhub import __version__
from asmhub.accounts.auth import PUBLIC
from asmhub.core.api_schemas import answers

router = Router(tags=["site"], auth=PUBLIC)


class MetaOut(Schema):
    name: str
    version: str
    languages: list[str]
    user: str | None


@router.get(
    "/meta", response=answers(MetaOut), summary="The platform's name and version, and who is asking"
)
def meta(request: HttpRequest) -> Any:
    user = request.user
    return {
        "name": "ASM Hub",
        "version": __version__,
        "languages": ["en", "fr"],
        "user": user.get_username() if user.is_authenticated else None,
    }
