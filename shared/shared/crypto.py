"""Fernet encryption for secrets kept in the database."""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken


class SecretBox:
    """Encrypts secrets at rest; the ciphertext never equals the plaintext."""

    def __init__(self, key: str) -> None:
        self._fernet = Fernet(key.encode())

    def encrypt(self, plaintext: str) -> str:
        """Ciphertext (URL-safe base64 text) for `plaintext`."""
        return self._fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, ciphertext: str) -> str:
        """The plaintext; raises ValueError when the ciphertext is not ours."""
        try:
            return self._fernet.decrypt(ciphertext.encode()).decode()
        except InvalidToken as exc:
            raise ValueError("secret cannot be decrypted with the configured key") from exc


def validate_fernet_key(value: str) -> str:
    """A settings validator: the value must be a Fernet key."""
    try:
        Fernet(value.encode())
    except (ValueError, TypeError) as exc:
        raise ValueError(
            "must be a Fernet key (32 url-safe base64 bytes; make one with "
            "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`)"
        ) from exc
    return value
