"""The command line as a user meets it: exit codes, one-line errors, JSON shapes, languages."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from expert import __version__
from expert.cli import cli

COMMANDS = ["new", "decide", "explain", "ask", "agents", "questions", "rules", "validate", "stacks"]


def invoke(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def test_version_and_help():
    result = invoke("--version")
    assert result.exit_code == 0 and __version__ in result.output
    for command in COMMANDS:
        result = invoke(command, "--help")
        assert result.exit_code == 0, command
        assert "Usage:" in result.output


def test_usage_errors_exit_2():
    assert invoke("decide", "--format", "xml").exit_code == 2
    assert invoke("nope").exit_code == 2


def test_user_errors_exit_1_with_one_line(tmp_path):
    bad = tmp_path / "a.yml"
    bad.write_text("version: 1\nanswers:\n  databse: postgresql\n")
    result = invoke("decide", "--answers", str(bad))
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: {bad}:3: unknown answer key 'databse' (did you mean 'database'?)"]
    result = invoke("decide", "--answers", str(tmp_path / "missing.yml"))
    assert result.exit_code == 1 and "no such answers file" in result.output
    result = invoke("decide", "--set", "database=postgres")
    assert result.exit_code == 1 and "did you mean 'postgresql'" in result.output
    result = invoke("explain", "framwork")
    assert result.exit_code == 1 and "did you mean 'framework'" in result.output


def test_decide_json_shape():
    result = invoke("decide", "--format", "json", "--set", "clients=mobile")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert set(data) >= {"decisions", "asked", "conflicts", "warnings"}
    core = ["language", "framework", "api_style", "database", "orm", "migrations", "auth", "authorization", "cache",
            "broker", "architecture", "ci", "container", "deploy", "iac", "observability"]
    for key in core:
        assert key in data["decisions"], key
        entry = data["decisions"][key]
        assert set(entry) >= {"value", "rule", "because", "premises"}
        assert entry["because"]
    assert data["decisions"]["auth"]["value"] == "jwt"
    assert "clients" not in data["asked"]


def test_pins_are_kept_and_disagreement_reported():
    data = json.loads(invoke("decide", "--format", "json", "--set", "clients=mobile", "--set", "auth=session-cookie").output)
    assert data["decisions"]["auth"]["value"] == "session-cookie"
    assert data["decisions"]["auth"]["source"] == "pin"
    assert any(c["kind"] == "pin" and c["keys"] == ["auth"] for c in data["conflicts"])


def test_explain_walks_down_to_the_answers():
    result = invoke("explain", "migrations", "--set", "team_languages=python")
    assert result.exit_code == 0
    text = result.output
    assert text.startswith("migrations = ")
    assert "team_languages = python" in text
    assert "your answer" in text


def test_french():
    result = invoke("explain", "auth", "--set", "clients=mobile", "--lang", "fr")
    assert "par la règle" in result.output
    data = json.loads(invoke("decide", "--format", "json", env={"LANG": "fr_FR.UTF-8"}).output)
    english = json.loads(invoke("decide", "--format", "json", env={"LANG": "en_US.UTF-8"}).output)
    assert data["decisions"]["database"]["because"] != english["decisions"]["database"]["because"]


def test_the_entry_point_runs_as_a_module():
    proc = subprocess.run([sys.executable, "-m", "expert", "--version"], capture_output=True, text=True)
    assert proc.returncode == 0 and __version__ in proc.stdout


@pytest.mark.parametrize("command", [["agents"], ["questions"], ["rules"], ["rules", "--graph"]])
def test_browsing_commands(command):
    result = invoke(*command)
    assert result.exit_code == 0 and result.output.strip()


def test_pinning_a_framework_fixes_its_language_and_skips_the_language_question():
    data = json.loads(invoke("decide", "--format", "json", "--set", "framework=nestjs").output)
    assert data["decisions"]["language"]["value"] == "typescript"
    assert data["decisions"]["language"]["source"] == "implied"
    assert "team_languages" not in data["asked"]
    assert not [c for c in data["conflicts"] if c["kind"] == "incompatible"]


def test_an_unsupported_python_gets_one_line_not_a_traceback():
    import glob
    from pathlib import Path

    candidates = sorted(glob.glob(str(Path.home() / ".pyenv/versions/3.1[3-9]*/bin/python3")))
    if not candidates:
        pytest.skip("no Python 3.13+ on this machine")
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.run([candidates[0], "-m", "expert", "--version"], cwd=root, capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and "Python 3.10 to 3.12" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_validate_reports_a_table_and_fails_on_a_broken_file(tmp_path):
    (tmp_path / "openapi.yaml").write_text("openapi: 3.1.0\ninfo: {title: x}\npaths: {}\n")  # info.version missing
    result = invoke("validate", str(tmp_path))
    assert result.exit_code == 1
    assert "openapi-spec-validator" in result.output and "fail" in result.output
    (tmp_path / "openapi.yaml").write_text("openapi: 3.1.0\ninfo: {title: x, version: '1'}\npaths: {}\n")
    result = invoke("validate", str(tmp_path))
    assert result.exit_code == 0 and "0 failed" in result.output


def test_an_os_error_in_any_command_is_one_line(monkeypatch):
    import expert.cli

    def unreadable(*args, **kwargs):
        raise PermissionError(13, "Permission denied", "/srv/rules/acme.yml")

    monkeypatch.setattr(expert.cli, "load_knowledge", unreadable)
    result = invoke("agents")
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == ["Error: /srv/rules/acme.yml: Permission denied"]


def test_output_into_a_closed_pipe_ends_quietly():
    """`backend-expert rules | head -1`: the reader goes away, the writer stops without an error line."""
    from pathlib import Path

    cli_bin = Path(sys.executable).with_name("backend-expert")
    proc = subprocess.Popen([str(cli_bin), "rules"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    proc.stdout.close()  # before the command writes its first line
    err = proc.stderr.read()
    proc.wait(timeout=60)
    assert proc.returncode == 1
    assert "Error" not in err and "Traceback" not in err, err


@pytest.mark.parametrize("delay", [0.05, 0.15, 0.3, 0.6])
def test_ctrl_c_while_starting_exits_quietly(delay):
    """SIGINT during start-up (imports, knowledge loading) is one quiet exit 130, never a traceback."""
    import signal
    import time
    from pathlib import Path

    exe = str(Path(sys.executable).parent / "backend-expert")
    proc = subprocess.Popen([exe, "decide"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    # 130: our handler ran; -SIGINT: the signal came before Python's own start-up was done and ended the
    # process silently, which a shell also reports as 130
    assert proc.returncode in (0, 130, -signal.SIGINT), (proc.returncode, err)


def test_stacks_prints_what_each_layer_generates():
    rows = json.loads(invoke("stacks", "--format", "json").output)
    by_stack = {row["stack"]: row for row in rows}
    assert by_stack["python-fastapi"]["generates"]["auth"] == ["jwt", "session-cookie"]
    assert "typeorm" in by_stack["node-express"]["generates"]["orm"]
    text = invoke("stacks").output
    assert "node-express (typescript/express)" in text and "python-fastapi (python/fastapi)" in text


def test_stacks_says_what_was_verified_for_each_stack_and_where():
    rows = json.loads(invoke("stacks", "--format", "json").output)
    assert all(row["verified"] and "no image was built" in row["verified"] for row in rows), [r["stack"] for r in rows]
    by_stack = {row["stack"]: row["verified"] for row in rows}
    for php in ("php-laravel", "php-symfony"):  # checked on Debian's older packages: never claimed on current ones
        assert "composer install and current" in by_stack[php] and "were not run" in by_stack[php]
    assert f"  verified             {by_stack['rust-axum']}" in invoke("stacks").output


def test_decide_marks_every_decision_no_stack_generates_with_its_nearest_alternative():
    data = json.loads(invoke("decide", "--format", "json", "--set", "database=mongodb").output)
    gaps = {g["key"]: g for g in data["not_generatable"]}
    assert gaps["database"]["value"] == "mongodb" and gaps["database"]["alternative"] == "postgresql"
    assert set(gaps) >= {"database", "orm"}
    assert json.loads(invoke("decide", "--format", "json").output)["not_generatable"] == []
    text = invoke("decide", "--set", "api_style=graphql").output
    assert "Not generatable: api_style=graphql" in text and "--set api_style=rest" in text


def test_new_names_every_gap_at_once(tmp_path):
    result = CliRunner().invoke(cli, ["new", str(tmp_path / "out"), "--no-input", "--set", "database=mongodb"])
    assert result.exit_code == 1
    assert "database=mongodb" in result.output and "orm=" in result.output
    assert "--set database=postgresql" in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("args", "en", "fr"), [
    (["explain", "databse"], "Error: unknown decision 'databse' (did you mean 'database'?)",
     "Erreur : décision inconnue 'databse' (vouliez-vous dire 'database' ?)"),
    (["questions", "--agent", "api/rest-desig"], "Error: unknown agent 'api/rest-desig' (did you mean 'api/rest-design'?)",
     "Erreur : agent inconnu 'api/rest-desig' (vouliez-vous dire 'api/rest-design' ?)"),
])
def test_an_unknown_name_is_refused_in_the_users_language_with_a_suggestion(args, en, fr):
    for lang, line in (("en", en), ("fr", fr)):
        result = CliRunner().invoke(cli, [*args, "--lang", lang])
        assert result.exit_code == 1 and result.output.strip() == line, result.output
