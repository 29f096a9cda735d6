"""The service's signing key and certificate: loaded from the configured paths, or made for development.

A real deployment supplies its own pair (DECLARATION_SIGNING_KEY, DECLARATION_SIGNING_CERTIFICATE).
Only when DECLARATION_SIGNING_DEVELOPMENT_PAIR is on may the service generate a self-signed pair,
which it does once and then reuses.
"""

import hashlib
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class SigningPaths:
    key: Path
    certificate: Path
    passphrase: bytes | None


def configured_paths() -> SigningPaths:
    passphrase = settings.DECLARATION_SIGNING_KEY_PASSPHRASE
    return SigningPaths(
        key=Path(settings.DECLARATION_SIGNING_KEY),
        certificate=Path(settings.DECLARATION_SIGNING_CERTIFICATE),
        passphrase=passphrase.encode() if passphrase else None,
    )


def _write_private(path: Path, data: bytes):
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written to a temporary name and renamed, so a concurrent reader never sees half a key.
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)


def generate_development_pair(paths: SigningPaths) -> None:
    """A self-signed RSA certificate for development, valid for ten years."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "GB"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "LEO Access (development)"),
            x509.NameAttribute(NameOID.COMMON_NAME, "LEO Access declaration signing (development only)"),
        ]
    )
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    encryption = (
        serialization.BestAvailableEncryption(paths.passphrase) if paths.passphrase else serialization.NoEncryption()
    )
    _write_private(
        paths.key, key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
    )
    _write_private(paths.certificate, certificate.public_bytes(serialization.Encoding.PEM))


def ensure_signing_pair() -> tuple[SigningPaths, bool]:
    """The configured pair, generating a development one if allowed and missing. Returns (paths, created)."""
    paths = configured_paths()
    if paths.key.exists() and paths.certificate.exists():
        return paths, False
    if not settings.DECLARATION_SIGNING_DEVELOPMENT_PAIR:
        raise ImproperlyConfigured(
            f"The declaration signing key or certificate is missing ({paths.key}, {paths.certificate}). "
            "Set DECLARATION_SIGNING_KEY and DECLARATION_SIGNING_CERTIFICATE to the service's PEM files."
        )
    generate_development_pair(paths)
    return paths, True


@lru_cache(maxsize=4)
def _certificate_from(path: str, modified: float) -> x509.Certificate:
    return x509.load_pem_x509_certificate(Path(path).read_bytes())


def service_certificate() -> x509.Certificate:
    paths, _ = ensure_signing_pair()
    return _certificate_from(str(paths.certificate), paths.certificate.stat().st_mtime)


def certificate_fingerprint(certificate_der: bytes) -> str:
    return hashlib.sha256(certificate_der).hexdigest()


def service_certificate_fingerprint() -> str:
    return certificate_fingerprint(service_certificate().public_bytes(serialization.Encoding.DER))
