"""`SecretBoxDep`: the Fernet box built at start-up from `INTEGRATION_ENCRYPTION_KEY`."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from shared.crypto import SecretBox


def get_secret_box(request: Request) -> SecretBox:
    """The service's SecretBox (`app.state.secret_box`)."""
    box: SecretBox = request.app.state.secret_box
    return box


SecretBoxDep = Annotated[SecretBox, Depends(get_secret_box)]
