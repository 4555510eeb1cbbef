"""Ready-to-host output: precompressed copies and security headers for static hosts.

Runs on the built site (a post-build step of :mod:`briefing.publish`):

- writes a deterministic ``.gz`` beside every text asset, for hosts that serve
  precompressed files (nginx ``gzip_static``);
- computes the SHA-256 hash of every inline script and ``<style>`` element
  the pages carry and writes a Content-Security-Policy allowing those and
  nothing else inline (no ``'unsafe-inline'``: the charts' colours are SVG
  presentation attributes, not ``style=""``), as a ``_headers`` file (Netlify,
  Cloudflare Pages) and an nginx server block, with the content types of the
  downloads (CSV, JSON, BibTeX) in UTF-8.

HSTS is sent without ``includeSubDomains`` unless ``extra.briefing.hosting.
hsts_include_subdomains`` is true (the site may live under a path of a shared
host, whose other subdomains it must not commit to HTTPS).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined

from briefing.fileio import write_changed

COMPRESSIBLE = {".html", ".css", ".js", ".json", ".xml", ".svg", ".txt", ".csv", ".bib", ".map"}
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S)
INLINE_STYLE = re.compile(r"<style(?P<attrs>[^>]*)>(?P<body>.*?)</style>", re.S)
# Downloads whose type hosts get wrong (Debian's nginx serves .csv and .bib as application/octet-stream).
DOWNLOAD_TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".bib": "text/x-bibtex; charset=utf-8",
}
NGINX_CONF = "_hosting/nginx.conf"
HEADERS_FILE = "_headers"


def gzip_bytes(data: bytes) -> bytes:
    """Gzip ``data`` deterministically: no file name, no timestamp."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as stream:
        stream.write(data)
    return buffer.getvalue()


def precompress(site: Path) -> int:
    """Write a ``.gz`` copy of every text asset in ``site``; return how many."""
    count = 0
    for path in sorted(site.rglob("*")):
        if path.is_file() and path.suffix in COMPRESSIBLE:
            write_changed(site, {path.relative_to(site).as_posix() + ".gz": gzip_bytes(path.read_bytes())})
            count += 1
    return count


def _hash_source(body: str) -> str:
    digest = hashlib.sha256(body.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def inline_script_hashes(site: Path) -> list[str]:
    """CSP source expressions ('sha256-...') for every executable inline script in ``site``."""
    hashes: set[str] = set()
    for path in site.rglob("*.html"):
        for match in INLINE_SCRIPT.finditer(path.read_text(encoding="utf-8")):
            if "application/json" in match.group("attrs"):
                continue  # data blocks are not executed, so CSP does not apply
            hashes.add(_hash_source(match.group("body")))
    return sorted(hashes)


def inline_style_hashes(site: Path) -> list[str]:
    """CSP source expressions for every ``<style>`` element in ``site`` (the 404 page's, which can load no stylesheet)."""
    return sorted(
        {
            _hash_source(match.group("body"))
            for path in site.rglob("*.html")
            for match in INLINE_STYLE.finditer(path.read_text(encoding="utf-8"))
        }
    )


def content_security_policy(script_hashes: list[str], style_hashes: list[str] | None = None) -> str:
    """The policy: everything from this site only; inline scripts and style elements only by hash, no style attributes."""
    directives = [
        "default-src 'self'",
        "script-src 'self' " + " ".join(script_hashes),
        " ".join(["style-src 'self'", *(style_hashes or [])]),
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
    return "; ".join(directives)


def security_headers(
    script_hashes: list[str], style_hashes: list[str] | None = None, hsts_include_subdomains: bool = False
) -> dict[str, str]:
    """Every header the site should be served with."""
    return {
        "Content-Security-Policy": content_security_policy(script_hashes, style_hashes),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
        "Strict-Transport-Security": "max-age=31536000" + ("; includeSubDomains" if hsts_include_subdomains else ""),
        "X-Frame-Options": "DENY",
        "Cross-Origin-Opener-Policy": "same-origin",
    }


def download_types(site: Path) -> dict[str, str]:
    """Content types of the site's CSV, JSON and BibTeX files, by URL path."""
    return {
        "/" + path.relative_to(site).as_posix(): DOWNLOAD_TYPES[path.suffix]
        for path in sorted(site.rglob("*"))
        if path.suffix in DOWNLOAD_TYPES and path.is_file() and path.relative_to(site).parts[0] != "_hosting"
    }


def write_hosting_config(site: Path, hsts_include_subdomains: bool = False) -> dict[str, str]:
    """Write ``_headers`` and the nginx server block into ``site``; return the headers."""
    headers = security_headers(inline_script_hashes(site), inline_style_hashes(site), hsts_include_subdomains)
    templates = Environment(
        loader=PackageLoader("briefing", "templates"),
        autoescape=False,  # noqa: S701 - plain-text configuration files, not HTML
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    for name, target in (("hosting/_headers.j2", HEADERS_FILE), ("hosting/nginx.conf.j2", NGINX_CONF)):
        text = templates.get_template(name).render(headers=headers, types=download_types(site))
        write_changed(site, {target: text.encode("utf-8")})
    return headers


def hosting_step(project_dir: Path, site: Path) -> None:
    """Post-build step: hosting configuration, then precompressed copies of everything."""
    from briefing.project import Project

    write_hosting_config(site, Project.load(project_dir).settings.hosting.hsts_include_subdomains)
    precompress(site)


NGINX_MAIN = """daemon off;
worker_processes 1;
{user}
pid {workdir}/nginx.pid;
error_log {workdir}/error.log warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {workdir}/body;
    proxy_temp_path {workdir}/proxy;
    fastcgi_temp_path {workdir}/fastcgi;
    uwsgi_temp_path {workdir}/uwsgi;
    scgi_temp_path {workdir}/scgi;
    include {workdir}/server.conf;
}}
"""


def find_nginx() -> str | None:
    """Debian's nginx, if installed."""
    return shutil.which("nginx") or next((path for path in ("/usr/sbin/nginx",) if Path(path).exists()), None)


def serve_with_nginx(
    site: Path, workdir: Path, nginx: str, unprivileged: bool = False
) -> tuple[subprocess.Popen[bytes], str]:
    """Serve ``site`` on 127.0.0.1 with the server block the build wrote; return nginx and its URL.

    Only ``listen`` and ``root`` of the generated block are changed, so what is
    tested (headers, gzip) is what a host would run. With ``unprivileged``, nginx
    started as root runs its workers as ``nobody``, as a web server does, so files
    only their owner can read answer 403.
    """
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = (site / NGINX_CONF).read_text(encoding="utf-8")
    if "listen 80;" not in server or "root /var/www/briefing;" not in server:
        raise RuntimeError(f"{site / NGINX_CONF} lacks the 'listen 80;' and 'root /var/www/briefing;' lines to adapt")
    server = server.replace("listen 80;", f"listen 127.0.0.1:{port};").replace(
        "root /var/www/briefing;", f"root {site.resolve()};"
    )
    (workdir / "server.conf").write_text(server, encoding="utf-8")
    user = ""
    if os.geteuid() == 0:  # root's private temp folders need root workers, unless the test is about permissions
        user = "user nobody nogroup;" if unprivileged else "user root;"
    (workdir / "nginx.conf").write_text(NGINX_MAIN.format(workdir=workdir, user=user), encoding="utf-8")
    process = subprocess.Popen(
        [nginx, "-c", str(workdir / "nginx.conf"), "-e", str(workdir / "error.log")], stderr=subprocess.PIPE
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)
            return process, url
        except urllib.error.HTTPError:
            return process, url  # nginx answers; what it answers is for the caller to check
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(
                    f"nginx exited: {process.stderr.read().decode() if process.stderr else ''}"
                ) from None
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError("nginx did not answer within 10 seconds")
