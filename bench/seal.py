"""A throwaway seal for the benchmarks: production settings require a certificate and key
for issued PDFs (core/sealing.py). Made once under bench/results/ (git-ignored)."""

import sys
from pathlib import Path

SEAL_DIR = Path(__file__).resolve().parent / "results" / "seal"
ROOT = SEAL_DIR.parent.parent.parent


def seal_env() -> dict[str, str]:
    certificate, key = SEAL_DIR / "certificate.pem", SEAL_DIR / "key.pem"
    if not certificate.exists() or not key.exists():
        sys.path.insert(0, str(ROOT))
        from core.sealing import create_test_certificate

        create_test_certificate(certificate, key, name="Benchmark seal")
    return {"PDF_SEAL_CERTIFICATE": str(certificate), "PDF_SEAL_KEY": str(key)}
