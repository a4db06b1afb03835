"""Fichiers statiques : tiers vendorisés intacts, collectstatic de production qui aboutit."""

import hashlib
import json
import re
from pathlib import Path

from tests.phares.test_settings import manage, production_env

STATIC = Path(__file__).resolve().parents[2] / "static"
VENDOR = STATIC / "vendor"
SOURCE_MAP = re.compile(rb"sourceMappingURL=([^\s*]+)")


def test_chaque_source_map_referencee_est_vendorisee():
    # ManifestStaticFilesStorage follows these comments and stops on a missing file.
    for path in STATIC.rglob("*"):
        if path.suffix not in {".css", ".js"}:
            continue
        for name in SOURCE_MAP.findall(path.read_bytes()):
            target = path.parent / name.decode()
            assert target.is_file(), f"{path.relative_to(STATIC)} renvoie à {name.decode()}"


def test_les_fichiers_vendorises_sont_ceux_des_paquets_amont():
    """SHA256SUMS relève les empreintes des fichiers tels que `npm pack` les livre."""
    sums = {}
    for line in (VENDOR / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split(maxsplit=1)
        sums[name] = digest
    on_disk = {
        str(p.relative_to(VENDOR)) for p in VENDOR.rglob("*") if p.is_file() and p.parent != VENDOR
    }
    assert set(sums) == on_disk
    for name, expected in sums.items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == expected, name


def test_collectstatic_de_production_aboutit(tmp_path):
    result = manage(tmp_path, "collectstatic", "--noinput", **production_env())

    assert result.returncode == 0, result.stdout + result.stderr
    manifest = json.loads((tmp_path / "staticfiles" / "staticfiles.json").read_text())
    hashed = manifest["paths"]["vendor/bootstrap-5.3.8/bootstrap.bundle.min.js"]
    assert re.fullmatch(
        r"vendor/bootstrap-5\.3\.8/bootstrap\.bundle\.min\.[0-9a-f]{12}\.js", hashed
    )
    assert (tmp_path / "staticfiles" / hashed).is_file()
    assert (tmp_path / "staticfiles" / f"{hashed}.gz").is_file()  # compressed by whitenoise
    assert "css/phares.css" in manifest["paths"]
