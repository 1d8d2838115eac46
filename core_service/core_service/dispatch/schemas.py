"""Dispatch API bodies and answers."""

from __future__ import annotations

from pydantic import StrictBool

from shared.schemas import ApiModel


class DispatchConfig(ApiModel):
    """How the tenant's new requests are dispatched."""

    # On: a new request goes at once to the executor it is offered to with the fewest open requests.
    auto_assign: StrictBool
