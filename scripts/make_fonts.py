"""Rebuild the bundled fonts in docs/assets/fonts/ from the Fontsource npm packages.

Run it only to change or update the fonts; the results are committed. It runs
``npm pack`` for @fontsource/noto-sans and @fontsource/noto-sans-mono, and for
each style the briefing uses merges the latin and vietnamese subsets into one
woff2 file. One file per style matters for the PDF: WeasyPrint keys embedded
fonts by family, weight and style, so two @font-face files of one style
(split by unicode-range) would be mixed up in the PDF, drawing wrong glyphs.

    .venv/bin/python scripts/make_fonts.py
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from fontTools.merge import Merger
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
FONTS_DIR = ROOT / "docs" / "assets" / "fonts"
PACKAGES = {"sans": "@fontsource/noto-sans@5.3.0", "mono": "@fontsource/noto-sans-mono@5.3.0"}
SANS_STYLES = ("400-normal", "400-italic", "600-normal", "700-normal")
MONO_STYLES = ("400-normal",)
SUBSETS = ("latin", "vietnamese")
LICENCE_HEADER = """\
Noto Sans and Noto Sans Mono, latin and vietnamese subsets merged into one woff2
file per style (scripts/make_fonts.py), from the Fontsource packages
@fontsource/noto-sans 5.3.0 and @fontsource/noto-sans-mono 5.3.0.
Used by the briefing site and embedded in its PDF.

"""


def unpack(spec: str, workdir: Path) -> Path:
    """``npm pack`` a package into ``workdir`` and return its unpacked ``package/`` folder."""
    result = subprocess.run(["npm", "pack", spec, "--silent"], cwd=workdir, check=True, capture_output=True, text=True)
    tarball = workdir / result.stdout.strip().splitlines()[-1]
    target = workdir / tarball.stem
    with tarfile.open(tarball) as archive:
        archive.extractall(target, filter="data")
    return target / "package"


def merged_woff2(parts: list[Path], output: Path, workdir: Path) -> None:
    """Merge subset fonts (woff2) into one woff2 file."""
    plain = []
    for part in parts:
        font = TTFont(part)
        font.flavor = None
        path = workdir / (part.stem + ".ttf")
        font.save(path)
        plain.append(str(path))
    merged = Merger().merge(plain) if len(plain) > 1 else TTFont(plain[0])
    merged.flavor = "woff2"
    merged.save(output)


def main() -> int:
    """Write the fonts and the licence into docs/assets/fonts/."""
    FONTS_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as temp:
        workdir = Path(temp)
        sans = unpack(PACKAGES["sans"], workdir)
        mono = unpack(PACKAGES["mono"], workdir)
        for style in SANS_STYLES:
            parts = [sans / "files" / f"noto-sans-{subset}-{style}.woff2" for subset in SUBSETS]
            merged_woff2(parts, FONTS_DIR / f"noto-sans-{style}.woff2", workdir)
        for style in MONO_STYLES:
            parts = [mono / "files" / f"noto-sans-mono-{subset}-{style}.woff2" for subset in SUBSETS]
            merged_woff2(
                [part for part in parts if part.exists()], FONTS_DIR / f"noto-sans-mono-{style}.woff2", workdir
            )
        licence = (sans / "LICENSE").read_text(encoding="utf-8")
        (FONTS_DIR / "LICENSE-OFL.txt").write_text(LICENCE_HEADER + licence, encoding="utf-8")
    for path in sorted(FONTS_DIR.glob("*.woff2")):
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
