"""The dashboard's files: every vendored file is listed with its licence and hash, and the page
asks nothing of the network (no CDN), because it must work offline."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import tacitus.web

STATIC = Path(tacitus.web.__file__).parent / "static"
VENDOR = STATIC / "vendor"
MANIFEST = json.loads((VENDOR / "MANIFEST.json").read_text(encoding="utf-8"))

#: Places where a page loads something: attributes, CSS url(), ES imports, fetch().
_LOADS = re.compile(
    r"""(?:\b(?:src|href|action)\s*=\s*["']?|(?-i:url)\(\s*["']?|\bimport\b[^;'"]*?["']|"""
    r"""\bfetch\(\s*[`"'])(?P<target>[^"')`\s>]+)""",
    re.IGNORECASE,
)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_vendored_file_is_listed_with_its_hash() -> None:
    listed = {item["path"]: item for entry in MANIFEST["packages"] for item in entry["files"]}
    on_disk = {path.relative_to(VENDOR).as_posix() for path in VENDOR.rglob("*") if path.is_file()}
    assert on_disk - {"MANIFEST.json"} == set(listed)
    for path, item in listed.items():
        assert _sha256(VENDOR / path) == item["sha256"], f"{path} differs from MANIFEST.json"


def test_every_vendored_package_has_a_version_and_its_licence() -> None:
    for entry in MANIFEST["packages"]:
        assert entry["version"] and entry["license"], entry["name"]
        licence = VENDOR / entry["license_file"]
        assert entry["license_file"] in {item["path"] for item in entry["files"]}
        assert licence.is_file() and licence.stat().st_size > 100, licence
        if not entry.get("generated"):
            assert entry["integrity"].startswith("sha512-"), entry["name"]


def _own_files() -> list[Path]:
    return [path for path in STATIC.rglob("*")
            if path.suffix in {".html", ".js", ".css"} and VENDOR not in path.parents]


def test_the_page_loads_nothing_from_the_network() -> None:
    files = _own_files()
    assert {path.name for path in files} >= {"index.html", "app.js", "style.css"}
    loads = [(path.name, match["target"]) for path in files
             for match in _LOADS.finditer(path.read_text(encoding="utf-8"))]
    assert loads, "the pattern found no loads at all"
    remote = [(name, target) for name, target in loads if re.match(r"(?:[a-z]+:)?//", target)]
    assert remote == []


def test_the_pattern_catches_remote_loads() -> None:
    """The check above is only as good as its pattern: it must see each way of loading."""
    samples = [
        '<script src="https://cdn.example/d3.js">',
        "<link href='//fonts.example/css'>",
        "@import url(https://fonts.example/x.css);",
        'import * as d3 from "https://esm.example/d3";',
        "fetch(`https://tiles.example/0/0/0.png`)",
    ]
    for sample in samples:
        found = [m["target"] for m in _LOADS.finditer(sample)]
        assert found and re.match(r"(?:[a-z]+:)?//", found[0]), sample


def test_every_local_load_exists() -> None:
    """Relative loads resolve inside the static folder (index.html is served at /)."""
    for path in _own_files():
        for match in _LOADS.finditer(path.read_text(encoding="utf-8")):
            target = match["target"].split("?")[0].split("#")[0]
            if target.startswith(("data:", "v1/", "${")) or "${" in target:
                continue
            base = STATIC if path.name == "index.html" else path.parent
            resolved = (STATIC / target.removeprefix("static/")) if target.startswith(
                "static/") else (base / target)
            assert resolved.resolve().is_file(), f"{path.name}: {match['target']} not found"
