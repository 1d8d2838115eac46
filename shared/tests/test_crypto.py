"""Secrets at rest: encrypted, never equal to the plaintext, refused under another key."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from shared.crypto import SecretBox, validate_fernet_key


def test_round_trip_and_ciphertext_differs_from_plaintext() -> None:
    box = SecretBox(Fernet.generate_key().decode())
    cipher = box.encrypt("sk_live_123")
    assert "sk_live_123" not in cipher
    assert box.decrypt(cipher) == "sk_live_123"


def test_another_key_cannot_decrypt() -> None:
    cipher = SecretBox(Fernet.generate_key().decode()).encrypt("x")
    with pytest.raises(ValueError, match="cannot be decrypted"):
        SecretBox(Fernet.generate_key().decode()).decrypt(cipher)


def test_validator_explains_a_bad_key() -> None:
    with pytest.raises(ValueError, match="Fernet key"):
        validate_fernet_key("short")
