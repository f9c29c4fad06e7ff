"""`backend-expert update`, driven through the CLI as a user runs it in a generated (and edited) project.

One python-fastapi project on SQLite is generated per module, committed to git per test, edited as a team
would (a route changed, a file added, files deleted, files the update also changes), then updated with an
answer changed (``--set cache=redis``): each case of the three-way merge is asserted on the working tree.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from expert.cli import UPDATE_CONFLICTS_EXIT, cli
from expert.merge import decide
from expert.pristine import ARCHIVE, STATE_README, Version, archive_bytes, read_archive

GIT = ["git", "-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "init.defaultBranch=main"]


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def generate(dest: Path, *sets: str) -> None:
    code, out, err = invoke("new", str(dest), "--no-input", "--lang", "en", "--set", "database=sqlite",
                            *(f"--set={s}" for s in sets))
    assert code == 0, out + err


def git(root: Path, *args: str) -> str:
    return subprocess.run([*GIT, *args], cwd=root, check=True, capture_output=True, text=True).stdout


def snapshot(root: Path) -> dict[str, tuple[str, int]]:
    """Every file under ``root`` (``.git`` included): its content hash and mode."""
    out = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            out[path.relative_to(root).as_posix()] = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mode)
    return out


def files_of(root: Path) -> dict[str, bytes]:
    """The project's files as a generation writes them (no .git, no state folder)."""
    return {rel: (root / rel).read_bytes() for rel in snapshot(root)
            if not rel.startswith((".git/", ".backend-expert/"))}


@pytest.fixture(scope="module")
def base_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("generated") / "svc"
    generate(root)
    return root


@pytest.fixture
def project(base_project: Path, tmp_path: Path) -> Path:
    """A fresh copy of the generated project, committed to a new git repository."""
    root = tmp_path / "svc"
    shutil.copytree(base_project, root, symlinks=True)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "generated")
    return root


def commit_all(root: Path) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "our edits")


def test_new_stores_the_pristine_tree_as_a_deterministic_archive(base_project: Path, tmp_path: Path) -> None:
    pristine = read_archive(base_project)
    assert pristine is not None
    assert {rel: v.data for rel, v in pristine.files.items()} == files_of(base_project)
    assert pristine.meta["lang"] == "en"
    assert (base_project / STATE_README).read_text(encoding="utf-8").startswith("# .backend-expert")
    again = tmp_path / "elsewhere" / "svc"
    generate(again)
    assert (again / ARCHIVE).read_bytes() == (base_project / ARCHIVE).read_bytes()
    with tarfile.open(base_project / ARCHIVE) as tar:
        members = tar.getmembers()
    assert [m.name for m in members[1:]] == sorted(m.name for m in members[1:])
    assert {(m.mtime, m.uid, m.gid, m.uname) for m in members} == {(0, 0, 0, "")}


def test_update_merges_each_case_and_reports_conflicts(project: Path, tmp_path: Path) -> None:
    health = project / "app/api/health.py"
    health.write_text(health.read_text(encoding="utf-8") + "\n\n# our probe note\n", encoding="utf-8")  # only ours
    (project / "app/extra.py").write_text('"""Our own module."""\n', encoding="utf-8")  # added by us
    (project / "docs/checklists/testing.md").unlink()  # deleted by us, untouched by the update
    (project / "docs/checklists/performance.md").unlink()  # deleted by us, changed by the update
    readme = project / "README.md"  # both changed, far apart: a clean merge
    readme.write_text(readme.read_text(encoding="utf-8").replace("# svc", "# svc (our service)", 1), encoding="utf-8")
    env = project / ".env.example"  # both append at the end: a conflict
    env.write_text(env.read_text(encoding="utf-8") + "OUR_SETTING=1\n", encoding="utf-8")
    adr = project / "docs/adr/0010-docker-paas.md"  # removed (renumbered) by the update, but edited by us
    adr.write_text(adr.read_text(encoding="utf-8") + "\nOur note.\n", encoding="utf-8")
    commit_all(project)
    git_before = {k: v for k, v in snapshot(project).items() if k.startswith(".git/")}

    code, out, err = invoke("update", str(project), "--set", "cache=redis")

    assert code == UPDATE_CONFLICTS_EXIT, out + err
    assert "Conflicts to resolve" in err and ".env.example" in err
    expected = tmp_path / "fresh" / "svc"
    generate(expected, "cache=redis")
    fresh = files_of(expected)
    now = files_of(project)
    assert now["app/cache.py"] == fresh["app/cache.py"]  # new in the template: added
    assert now["docker-compose.yml"] == fresh["docker-compose.yml"]  # untouched by us: replaced
    assert now["app/api/health.py"].endswith(b"# our probe note\n")  # changed only by us: kept
    assert now["app/extra.py"] == b'"""Our own module."""\n'
    assert "docs/checklists/testing.md" not in now and "docs/checklists/performance.md" not in now
    assert "docs/adr/0008-logs-metrics.md" not in now  # removed from the template, untouched: removed
    assert now["docs/adr/0010-docker-paas.md"].endswith(b"\nOur note.\n")  # removed but edited: kept
    merged = now["README.md"].decode()
    assert merged.startswith("# svc (our service)") and "`REDIS_URL`" in merged
    conflict = now[".env.example"].decode()
    assert "<<<<<<< yours\nOUR_SETTING=1\n=======\nREDIS_URL=" in conflict and ">>>>>>> backend-expert\n" in conflict
    assert "cache: redis" in now[".backend-expert.yml"].decode()
    plan = out.split("\n")
    for group, path in [("added", "app/cache.py"), ("updated", "docker-compose.yml"), ("merged", "README.md"),
                        ("conflicted", ".env.example"), ("removed", "docs/adr/0008-logs-metrics.md"),
                        ("kept", "app/api/health.py")]:
        assert any(line.startswith(f"{group} (") for line in plan), group
        assert any(line.startswith(f"  {path}") for line in plan), path
    assert "  docs/checklists/performance.md  (deleted by you: stays deleted)" in plan
    assert "  docs/adr/0010-docker-paas.md  (removed from the template, but you edited it: kept)" in plan
    # the next base is the new render: the archive holds exactly what a fresh generation of these answers holds
    pristine = read_archive(project)
    assert pristine is not None and {rel: v.data for rel, v in pristine.files.items()} == fresh
    assert {k: v for k, v in snapshot(project).items() if k.startswith(".git/")} == git_before
    assert not [p for p in os.listdir(project) if p.startswith(".backend-expert-")]
    assert not list(project.rglob("*.orig"))


def test_a_second_update_without_change_is_a_no_op(project: Path) -> None:
    code, out, err = invoke("update", str(project), "--set", "cache=redis")
    assert code == 0, out + err
    commit_all(project)
    before = snapshot(project)
    code, out, err = invoke("update", str(project))
    assert code == 0, out + err
    assert "nothing to change" in out
    assert snapshot(project) == before


def test_dry_run_prints_the_plan_and_diff_and_writes_nothing(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "docs/checklists/testing.md").unlink()
    before = snapshot(project)
    monkeypatch.chdir(project)  # PROJECT defaults to the current folder
    code, out, err = invoke("update", "--dry-run", "--set", "cache=redis")
    assert code == 0, out + err
    assert snapshot(project) == before
    assert out.startswith("Dry run: nothing was written.")
    assert "added (" in out and "  app/cache.py" in out
    assert "--- a/.env.example\n+++ b/.env.example\n" in out and "+REDIS_URL=redis://localhost:6379/0\n" in out
    assert "--- /dev/null\n+++ b/app/cache.py\n" in out
    assert "--- a/docs/adr/0008-logs-metrics.md\n+++ /dev/null\n" in out


def test_a_dirty_git_tree_is_refused_unless_allowed(project: Path) -> None:
    (project / "app/extra.py").write_text("x = 1\n", encoding="utf-8")
    before = snapshot(project)
    code, out, err = invoke("update", str(project), "--set", "cache=redis")
    assert code == 1
    assert err.strip().splitlines() == [
        f"Error: {project} has uncommitted changes (app/extra.py): commit them first, so that the update is one "
        "reviewable change, or pass --allow-dirty"
    ]
    assert snapshot(project) == before
    code, out, err = invoke("update", str(project), "--set", "cache=redis", "--dry-run")  # writes nothing: allowed
    assert code == 0 and "  app/cache.py" in out, out + err
    assert snapshot(project) == before
    code, out, err = invoke("update", str(project), "--set", "cache=redis", "--allow-dirty")
    assert code == 0, out + err
    assert (project / "app/cache.py").is_file() and (project / "app/extra.py").read_text(encoding="utf-8") == "x = 1\n"


def _break_archive(root: Path, data: bytes) -> None:
    (root / ARCHIVE).write_bytes(data)


def _escaping_archive() -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w:gz") as tar:
        manifest = b'{"format": 1}'
        info = tarfile.TarInfo("manifest.json")
        info.size = len(manifest)
        tar.addfile(info, io.BytesIO(manifest))
        info = tarfile.TarInfo("files/../../outside.txt")
        info.size = 2
        tar.addfile(info, io.BytesIO(b"x\n"))
    return raw.getvalue()


@pytest.mark.parametrize(
    ("prepare", "args", "message"),
    [
        (None, ["--set", "cahce=redis"], "--set cahce=redis: unknown answer key 'cahce' (did you mean 'cache'?)"),
        (None, ["--set", "cache=memcached"], "--set cache=memcached: cache: 'memcached' is not a known value"),
        (lambda root: (root / "new.yml").write_text("answers: [1, 2\n", encoding="utf-8"), ["--answers", "{root}/new.yml"],
         "new.yml:"),
        (None, ["--answers", "{root}/missing.yml"], "missing.yml: no such answers file"),
        (lambda root: (root / ".backend-expert.yml").unlink(), [], "is not a project generated by backend-expert"),
        (lambda root: (root / ARCHIVE).unlink(), [], "has no pristine copy of its last generation"),
        (lambda root: _break_archive(root, b"not a tar"), [], "damaged pristine archive"),
        (lambda root: _break_archive(root, _escaping_archive()), [], "unsafe path '../../outside.txt'"),
        (lambda root: (root / ".backend-expert.yml").write_text("version: 7\n", encoding="utf-8"), [],
         "unsupported format version 7"),
    ],
    ids=["unknown-key", "unknown-value", "broken-answers", "missing-answers", "not-generated", "no-pristine",
         "damaged-archive", "escaping-archive", "answers-version"],
)
def test_bad_input_is_one_line_and_writes_nothing(project: Path, prepare, args: list[str], message: str) -> None:
    if prepare is not None:
        prepare(project)
    before = snapshot(project.parent)
    code, out, err = invoke("update", str(project), "--allow-dirty", *(a.format(root=project) for a in args))
    assert code == 1, out + err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and message in lines[0], err
    assert snapshot(project.parent) == before


def test_a_folder_that_is_not_a_project_is_refused(tmp_path: Path) -> None:
    code, out, err = invoke("update", str(tmp_path))
    assert code == 1
    assert err.strip() == f"Error: {tmp_path} is not a project generated by backend-expert (it has no .backend-expert.yml)"


V = Version


@pytest.mark.parametrize(
    ("base", "ours", "theirs", "action", "result"),
    [
        (V(b"a\n"), V(b"a\n"), V(b"b\n"), "updated", V(b"b\n")),
        (V(b"a\n"), V(b"b\n"), V(b"a\n"), "kept", None),
        (V(b"a\n"), V(b"b\n"), V(b"b\n"), "unchanged", None),
        (V(b"1\n2\n3\n4\n5\n"), V(b"0\n2\n3\n4\n5\n"), V(b"1\n2\n3\n4\n6\n"), "merged", V(b"0\n2\n3\n4\n6\n")),
        (V(b"a\n"), None, V(b"b\n"), "kept", None),
        (None, None, V(b"b\n"), "added", V(b"b\n")),
        (V(b"a\n"), V(b"a\n"), None, "removed", None),
        (V(b"a\n"), V(b"c\n"), None, "kept", None),
        (V(b"\x00a"), V(b"\x00b"), V(b"\x00c"), "kept", None),
        (V(b"a\n"), V(b"a\n"), V(b"a\n", executable=True), "updated", V(b"a\n", executable=True)),
        (V(b"a\n"), V(b"a\n", executable=True), V(b"b\n"), "merged", V(b"b\n", executable=True)),
    ],
    ids=["untouched", "ours-only", "same-change", "clean-merge", "deleted-by-us", "new", "removed", "removed-edited",
         "binary", "mode-only", "our-mode-kept"],
)
def test_each_case_of_the_three_way_merge(tmp_path: Path, base, ours, theirs, action: str, result) -> None:
    outcome = decide("f", base, ours, theirs, tmp_path)
    assert (outcome.action, outcome.result) == (action, result)


def test_both_added_differently_is_a_conflict(tmp_path: Path) -> None:
    outcome = decide("f", None, V(b"ours\n"), V(b"theirs\n"), tmp_path)
    assert outcome.action == "conflicted"
    assert outcome.result == V(b"<<<<<<< yours\nours\n=======\ntheirs\n>>>>>>> backend-expert\n")


def test_the_archive_lists_its_files_sorted_with_their_modes() -> None:
    data = archive_bytes({"b.sh": V(b"run\n", executable=True), "a.txt": V(b"a\n")}, {"lang": "fr"})
    assert data == archive_bytes({"a.txt": V(b"a\n"), "b.sh": V(b"run\n", executable=True)}, {"lang": "fr"})
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        assert [(m.name, m.mode) for m in tar.getmembers()] == [
            ("manifest.json", 0o644), ("files/a.txt", 0o644), ("files/b.sh", 0o755)]


MODEL_V2 = """\
version: 1
entities:
  Item:
    fields:
      name: {type: string, required: true, max_length: 100}
      description: {type: text, required: false}
      notes: {type: text, required: false}
  Tag:
    fields:
      label: {type: string, required: true, max_length: 40}
"""


def test_a_changed_model_adds_a_migration_and_never_rewrites_the_applied_one(project: Path) -> None:
    initial = (project / "alembic/versions/0001_initial.py").read_bytes()
    (project.parent / "model.yml").write_text(MODEL_V2, encoding="utf-8")
    code, out, err = invoke("update", str(project), "--answers", str(project.parent / "model.yml"))
    assert code == 0, out + err
    assert (project / "alembic/versions/0001_initial.py").read_bytes() == initial
    added = (project / "alembic/versions/0002_model_update.py").read_text(encoding="utf-8")
    assert 'down_revision: str | Sequence[str] | None = "0001"' in added  # chained after the applied one
    assert "tags" in added and "notes" in added
    assert "notes" in (project / "app/models.py").read_text(encoding="utf-8")
    pristine = read_archive(project)
    assert pristine is not None and pristine.files["alembic/versions/0001_initial.py"].data == initial
    assert "alembic/versions/0002_model_update.py" in pristine.files  # the base of the next update


def test_a_model_change_no_migration_can_apply_is_refused_and_nothing_written(project: Path) -> None:
    (project.parent / "model.yml").write_text(MODEL_V2.replace("name: {type: string", "name: {type: integer")
                                              .replace(", max_length: 100}", "}", 1), encoding="utf-8")
    before = snapshot(project)
    code, out, err = invoke("update", str(project), "--answers", str(project.parent / "model.yml"))
    assert code == 1, out + err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "entity Item, name: its column type changes" in lines[0], err
    assert snapshot(project) == before


@pytest.mark.e2e
def test_the_updated_project_passes_its_own_checks_and_tests(project: Path, tmp_path: Path) -> None:
    """Migrate the generated database, edit and update the project (an answer and the model), migrate again:
    the project's own lint, format check, migrations and test suite pass."""
    from tests.stack_commands import STEPS, project_stack, step_argv, toolchain_env
    from tests.test_e2e import run

    _, spec = project_stack(project)
    env = toolchain_env(spec, tmp_path / "venv", dict(os.environ))
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'app.db'}"
    env["SECRET_KEY"] = os.urandom(32).hex()
    run(step_argv(spec, "install") or [], cwd=project, env=env, timeout=1200)
    run(step_argv(spec, "migrate") or [], cwd=project, env=env)  # the first generation's schema is applied
    health = project / "app/api/health.py"
    health.write_text(health.read_text(encoding="utf-8") + "\n\n# our probe note\n", encoding="utf-8")
    commit_all(project)
    (tmp_path / "model.yml").write_text(MODEL_V2, encoding="utf-8")
    code, out, err = invoke("update", str(project), "--answers", str(tmp_path / "model.yml"), "--set", "cache=redis")
    assert code == 0, out + err
    for step in STEPS:  # install again: the new answer brought a dependency (redis)
        argv = step_argv(spec, step)
        if argv:
            run(argv, cwd=project, env=env, timeout=1200)
    assert health.read_text(encoding="utf-8").endswith("# our probe note\n")


def test_a_model_edited_in_the_answers_file_is_migrated(project: Path) -> None:
    answers = project / ".backend-expert.yml"
    assert answers.read_text(encoding="utf-8").rstrip().endswith("max_length: 65535")  # the model is the last section
    answers.write_text(answers.read_text(encoding="utf-8") + "      notes:\n        type: text\n        required: false\n",
                       encoding="utf-8")
    commit_all(project)
    code, out, err = invoke("update", str(project))
    assert code == 0, out + err
    assert "  alembic/versions/0002_model_update.py" in out.split("\n")
    assert "notes" in (project / "alembic/versions/0002_model_update.py").read_text(encoding="utf-8")


def test_documents_stay_in_the_language_of_the_generation(tmp_path: Path) -> None:
    root = tmp_path / "svc"
    code, out, err = invoke("new", str(root), "--no-input", "--lang", "fr", "--set", "database=sqlite")
    assert code == 0, out + err
    before = snapshot(root)
    code, out, err = invoke("update", str(root))  # no --lang, whatever $LANG says
    assert code == 0, out + err
    assert "nothing to change" in out
    assert snapshot(root) == before


# --- update speaks the user's language (issue 10) ----------------------------------------------------------------


def test_a_dirty_tree_is_refused_in_french(project: Path) -> None:
    (project / "app/extra.py").write_text("x = 1\n", encoding="utf-8")
    (project / "app/more.py").write_text("y = 2\n", encoding="utf-8")
    before = snapshot(project)
    code, out, err = invoke("update", str(project), "--set", "cache=redis", "--lang", "fr")
    assert code == 1 and out == ""
    assert err.strip().splitlines() == [
        f"Erreur : {project} a des modifications non commitées (app/extra.py et 1 autre(s)) : commitez-les d'abord, "
        "pour que la mise à jour soit une seule modification relisible, ou passez --allow-dirty"
    ]
    assert "uncommitted" not in err and "Error:" not in err
    assert snapshot(project) == before


def test_a_folder_that_is_not_a_project_is_refused_in_french(tmp_path: Path) -> None:
    code, out, err = invoke("update", str(tmp_path), "--lang", "fr")
    assert code == 1
    assert err.strip().splitlines() == [
        f"Erreur : {tmp_path} n'est pas un projet généré par backend-expert (il n'a pas de .backend-expert.yml)"]


def test_a_conflicted_update_reports_its_plan_and_conflicts_in_french(project: Path) -> None:
    env = project / ".env.example"  # both append at the end: a conflict
    env.write_text(env.read_text(encoding="utf-8") + "OUR_SETTING=1\n", encoding="utf-8")
    health = project / "app/api/health.py"
    health.write_text(health.read_text(encoding="utf-8") + "\n# our note\n", encoding="utf-8")  # changed only by us
    commit_all(project)
    code, out, err = invoke("update", str(project), "--set", "cache=redis", "--lang", "fr")
    assert code == UPDATE_CONFLICTS_EXIT, out + err
    assert "ajoutés (" in out and "en conflit (1) :" in out and "gardés (" in out
    assert "  .env.example  (modifié par vous et par le modèle : 1 conflit(s) marqué(s) dans le fichier)" in out
    assert "  app/api/health.py  (modifié par vous seul)" in out
    for english in ("added (", "conflicted (", "kept (", "changed by you", "conflict(s) marked"):
        assert english not in out
    assert err.strip().splitlines() == [
        "Conflits à résoudre (les blocs <<<<<<< yours / >>>>>>> backend-expert), puis commitez : .env.example"]
