from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from asmhub.convenings import access


def convening_list(request: HttpRequest) -> HttpResponse:
    convenings = access.visible_convenings(request.user)
    return render(request, "convenings/list.html", {"convenings": convenings})
