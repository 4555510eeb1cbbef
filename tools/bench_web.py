"""Web benchmark: Lighthouse on the published site, served by Debian's nginx with the generated headers.

``python -m tools.bench_web`` (``make bench-web``) serves ``site/`` with the
nginx server block the build writes (gzip and security headers on), runs
Lighthouse 12.2.3 (installed from ``tools/lighthouse/package.json``; newer
versions want Node 22) with the mobile preset in the system's Chromium on Home
and a topic page, and prints the four category scores, LCP, transfer size,
request count and third-party requests, with the metrics behind the performance score
(FCP, LCP, speed index, total blocking time, layout shift). Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlparse

from briefing.hosting import find_nginx, serve_with_nginx
from tools.chromium import find_chromium

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE_DIR = ROOT / "tools" / "lighthouse"
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync"


def chromium() -> str:
    """The system's Chromium, or exit saying how to get one."""
    return find_chromium() or sys.exit("no Chromium on PATH: apt-get install chromium, or set CHROMIUM")


def lighthouse() -> Path:
    """The Lighthouse CLI, installed on first use with npm at the pinned version."""
    cli = LIGHTHOUSE_DIR / "node_modules" / "lighthouse" / "cli" / "index.js"
    if not cli.exists():
        subprocess.run(["npm", "install", "--no-audit", "--no-fund"], cwd=LIGHTHOUSE_DIR, check=True)
    return cli


def audit(url: str, out: Path) -> dict[str, object]:
    """Run Lighthouse (mobile preset) on ``url`` and summarise its report."""
    env = {**os.environ, "CHROME_PATH": chromium()}
    subprocess.run(
        [
            "node",
            str(lighthouse()),
            url,
            "--output=json",
            f"--output-path={out}",
            "--quiet",
            f"--chrome-flags={CHROME_FLAGS}",
            "--only-categories=performance,accessibility,best-practices,seo",
        ],
        env=env,
        check=True,
    )
    report = json.loads(out.read_text(encoding="utf-8"))
    audits = report["audits"]
    requests = audits["network-requests"]["details"]["items"]
    host = urlparse(url).hostname
    third_party = [
        item["url"]
        for item in requests
        if urlparse(item["url"]).hostname not in {host, None} and not item["url"].startswith("data:")
    ]
    failing = [
        key
        for key, value in audits.items()
        if value.get("score") is not None and value["score"] < 1 and value.get("scoreDisplayMode") == "binary"
    ]
    return {
        "url": url,
        **{name: round(category["score"] * 100) for name, category in report["categories"].items()},
        "FCP s": round(audits["first-contentful-paint"]["numericValue"] / 1000, 2),
        "LCP s": round(audits["largest-contentful-paint"]["numericValue"] / 1000, 2),
        "SI s": round(audits["speed-index"]["numericValue"] / 1000, 2),
        "TBT ms": round(audits["total-blocking-time"]["numericValue"]),
        "CLS": round(audits["cumulative-layout-shift"]["numericValue"], 3),
        "transfer KiB": round(sum(item.get("transferSize", 0) for item in requests) / 1024, 1),
        "requests": len(requests),
        "third-party requests": len(third_party),
        "failing audits": failing,
    }


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description="Lighthouse on the published site behind nginx.")
    parser.add_argument("--site", type=Path, default=ROOT / "site")
    parser.add_argument("--pages", nargs="+", default=["", "energy/"])
    args = parser.parse_args(argv)
    if not (args.site / "_hosting" / "nginx.conf").exists():
        raise SystemExit(f"{args.site} is not a published site: run make build first")
    with tempfile.TemporaryDirectory(prefix="bench-web-") as tmp:
        nginx = find_nginx()
        if nginx is None:
            raise SystemExit("no nginx: apt-get install nginx-light")
        process, url = serve_with_nginx(args.site.resolve(), Path(tmp), nginx)
        try:
            rows = [audit(url + page, Path(tmp) / f"report-{index}.json") for index, page in enumerate(args.pages)]
        finally:
            process.terminate()
            process.wait(timeout=10)
    print(
        "| page | performance | accessibility | best practices | SEO | FCP s | LCP s | SI s | TBT ms | CLS | transfer KiB | requests | third-party |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in rows:
        print(
            f"| {urlparse(str(row['url'])).path} | {row['performance']} | {row['accessibility']} | {row['best-practices']} | {row['seo']} "
            f"| {row['FCP s']} | {row['LCP s']} | {row['SI s']} | {row['TBT ms']} | {row['CLS']} "
            f"| {row['transfer KiB']} | {row['requests']} | {row['third-party requests']} |"
        )
    for row in rows:
        if row["failing audits"]:
            print(f"{urlparse(str(row['url'])).path}: failing audits: {', '.join(row['failing audits'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
