"""A service-account JSON made here with its own RSA key, registered with the stand-in."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from telegram_emulator.standins.state import StandinState


def make_service_account(state: StandinState, token_uri: str, directory: Path,
                         email: str = "uk-sheets@uk-test.iam.gserviceaccount.com") -> Path:
    """Write the JSON file Google would give for a service-account key; its path."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()).decode()
    public_pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    key_id = secrets.token_hex(20)
    state.accounts[key_id] = public_pem
    info = {
        "type": "service_account", "project_id": "uk-test", "private_key_id": key_id,
        "private_key": private_pem, "client_email": email, "client_id": "100000000000000000001",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": token_uri,
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "universe_domain": "googleapis.com",
    }
    path = directory / f"service-account-{key_id[:8]}.json"
    path.write_text(json.dumps(info))
    return path
