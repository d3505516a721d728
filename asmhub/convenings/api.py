"""Convenings API: convenings, their agenda, participants, polls and reports."""

from ninja import Router

from asmhub.accounts.auth import PUBLIC

router = Router(tags=["convenings"], auth=PUBLIC)
