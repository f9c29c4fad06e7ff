"""The guided questionnaire on a pipe (numbered prompts): the project first, defaults, WHY, contradictions refused,
the review (summary, gaps, what moved, back), the model (enums, relations, French names), and never losing the
answers: what is checkable is checked before the first question, a refusal or an error saves them."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from expert.cli import cli

PROJECT = "\n\n"  # Enter keeps the project name (the folder's) and the description
ACCEPT_AND_EXAMPLE = "y\n\n"  # accept the decisions, keep the example resource


def questions_with_defaults(consultant, given=None) -> int:
    return len(consultant.run(dict(given or {})).asked)


def run(args, stdin):
    return CliRunner().invoke(cli, ["new", *args], input=stdin)


def saved_beside(dest):
    """The answers files a refused run left beside ``dest``."""
    return sorted(dest.parent.glob(f"{dest.name}.answers*.yml"))


def test_enter_takes_defaults_and_question_mark_explains(tmp_path, consultant):
    n = questions_with_defaults(consultant)
    result = run([str(tmp_path / "p"), "--lang", "en"], PROJECT + "?\n" + "\n" * n + ACCEPT_AND_EXAMPLE)
    assert result.exit_code == 0, result.output
    assert "[API 1/1]" in result.output
    assert "your answer is used by:" in result.output  # the WHY shown for "?"
    assert "Accept these decisions" in result.output
    saved = yaml.safe_load((tmp_path / "p" / ".backend-expert.yml").read_text())
    assert saved["project"] == {"name": "p", "slug": "p", "description": "p: a backend service."}
    assert not saved_beside(tmp_path / "p")  # a run that generated saves nothing beside


def test_the_project_name_and_description_are_asked_first(tmp_path, consultant):
    n = questions_with_defaults(consultant)
    result = run([str(tmp_path / "orders"), "--lang", "en"],
                 "Orders API\nOrders and their invoices.\n" + "\n" * n + ACCEPT_AND_EXAMPLE)
    assert result.exit_code == 0, result.output
    assert result.output.index("Project name [orders]") < result.output.index("[API 1/1]")
    saved = yaml.safe_load((tmp_path / "orders" / ".backend-expert.yml").read_text())
    assert saved["project"] == {"name": "Orders API", "slug": "orders-api", "description": "Orders and their invoices."}


def test_new_dot_generates_into_the_empty_current_folder(tmp_path, consultant, monkeypatch):
    here = tmp_path / "billing"
    here.mkdir()
    monkeypatch.chdir(here)
    n = questions_with_defaults(consultant)
    result = run([".", "--lang", "en"], PROJECT + "\n" * n + ACCEPT_AND_EXAMPLE)
    assert result.exit_code == 0, result.output
    assert "Project name [billing]" in result.output
    assert yaml.safe_load((here / ".backend-expert.yml").read_text())["project"]["slug"] == "billing"


def test_numbers_pick_choices_and_a_changed_decision_shows_what_moved(tmp_path, consultant):
    rest = questions_with_defaults(consultant, {"clients": ["mobile"]})  # mobile clients may open more questions
    # first question (clients): 2 = mobile; the rest take their defaults; then cache is changed to redis (2)
    stdin = PROJECT + "2\n" + "\n" * rest + "n\ncahce\ncache\n2\ny\n\n"
    result = run([str(tmp_path / "p"), "--lang", "en"], stdin)
    assert result.exit_code == 0, result.output
    assert "did you mean 'cache'" in result.output
    assert "What moved:" in result.output and "  cache: none -> redis" in result.output
    saved = yaml.safe_load((tmp_path / "p" / ".backend-expert.yml").read_text())
    assert saved["answers"]["clients"] == ["mobile"]
    assert saved["answers"]["cache"] == "redis"
    assert saved["decisions"]["auth"] == "jwt"


def test_back_returns_to_the_answers_before_the_change(tmp_path, consultant):
    n = questions_with_defaults(consultant)
    stdin = PROJECT + "\n" * n + "cache\nredis\nback\ny\n\n"
    result = run([str(tmp_path / "p"), "--lang", "en"], stdin)
    assert result.exit_code == 0, result.output
    assert "  cache: none -> redis" in result.output and "  cache: redis -> none" in result.output
    saved = yaml.safe_load((tmp_path / "p" / ".backend-expert.yml").read_text())
    assert "cache" not in saved["answers"] and saved["decisions"]["cache"] == "none"


def test_the_review_fits_a_terminal_and_the_rest_is_on_demand(tmp_path, consultant):
    n = questions_with_defaults(consultant)
    result = run([str(tmp_path / "p"), "--lang", "en"], PROJECT + "\n" * n + "all\n" + ACCEPT_AND_EXAMPLE)
    assert result.exit_code == 0, result.output
    out = result.output
    review = out[out.index("Decisions ("):out.index("Accept these decisions")]
    assert len(review.splitlines()) <= 22  # with the prompt, within a 24-line terminal
    assert all(len(line) <= 99 for line in review.splitlines())  # cut to the terminal's width (100 here)
    assert "observability" not in review  # not a core decision: shown by `all`
    assert re.search(r"^  observability +\S+", out[out.index("Accept these decisions"):], re.M)


def test_every_gap_is_marked_at_the_review_and_nearest_takes_them_all(tmp_path, consultant):
    given = {"database": "mongodb"}
    n = questions_with_defaults(consultant, given)
    result = run([str(tmp_path / "p"), "--lang", "en", "--set", "database=mongodb"],
                 PROJECT + "\n" * n + "nearest\n" + "\n" + ACCEPT_AND_EXAMPLE)  # one new question: Python frameworks
    assert result.exit_code == 0, result.output
    review = result.output[:result.output.index("Accept these decisions")]
    assert "Not generatable yet (3)" in review and "✗ migrations=none -> alembic" in review
    assert "✗ database=mongodb -> postgresql" in review and "✗ orm=" in review
    assert "  database: mongodb -> postgresql" in result.output
    saved = yaml.safe_load((tmp_path / "p" / ".backend-expert.yml").read_text())
    assert saved["decisions"]["database"] == "postgresql"


def test_contradictory_selections_are_refused_with_a_reason(tmp_path, consultant):
    n = questions_with_defaults(consultant)
    order = consultant.run({}).asked
    stdin = PROJECT + "".join("1,2\n4\n" if q == "compliance" else "\n" for q in order) + ACCEPT_AND_EXAMPLE
    result = run([str(tmp_path / "p"), "--lang", "en"], stdin)
    assert result.exit_code == 0, result.output
    assert "'none' excludes every other value (you also chose gdpr)" in result.output
    saved = yaml.safe_load((tmp_path / "p" / ".backend-expert.yml").read_text())
    assert saved["answers"]["compliance"] == ["hipaa"]
    assert n == len(order)


def test_per_domain_counters_never_skip_and_blocks_never_interleave(consultant):
    """Every block (a domain, within a stage of follow-ups) counts 1/n .. n/n, and once a block ends its
    domain comes back only as a later stage's follow-up."""
    from expert.prompter import header

    for given in ({}, {"team_languages": ["typescript"], "clients": ["mobile", "browser-spa"]}, {"hosting": "serverless"}):
        seen = []

        def ask(q, why, given=given, seen=seen):
            seen.append((why.stage, q.agent.split("/")[0], why.position))
            return given.get(q.id, q.default)

        consultant.run({}, ask)
        blocks = [(stage, domain) for stage, domain, _ in seen]
        for block in set(blocks):  # contiguous: a block's questions follow one another
            where = [i for i, b in enumerate(blocks) if b == block]
            assert where == list(range(where[0], where[0] + len(where))), (block, blocks)
        for block in set(blocks):
            positions = [pos for stage, domain, pos in seen if (stage, domain) == block]
            total = len(positions)
            assert positions == [(i, total) for i in range(1, total + 1)], (block, positions)
        assert [s for s, _, _ in seen] == sorted(s for s, _, _ in seen)  # stages in order
    q = consultant.kb.questions["cloud"]
    from expert.consult import Why

    assert header(q, Why("cloud", {}, [], (1, 1), stage=1), "en") == "DevOps, follow-up 1/1"


def test_french_interview(tmp_path, consultant):
    n = questions_with_defaults(consultant)
    result = run([str(tmp_path / "p"), "--lang", "fr"], PROJECT + "\n" * n + "o\n\n")
    assert result.exit_code == 0, result.output
    assert "Nom du projet [p]" in result.output
    assert "[API 1/" in result.output and "Qui appelle cette API ?" in result.output
    assert "[Base de données 1/" in result.output and "Accepter ces décisions" in result.output


def test_input_ending_early_is_a_clear_error_saves_the_answers_and_writes_nothing(tmp_path):
    dest = tmp_path / "p"
    result = run([str(dest)], "Shop\n\n2\n")
    assert result.exit_code == 1
    assert "input ended before every question was answered" in result.output
    assert not dest.exists()
    [saved] = saved_beside(dest)
    assert saved == tmp_path / "p.answers.yml"
    assert f"to resume: backend-expert new {dest} --answers {saved}" in result.output
    doc = yaml.safe_load(saved.read_text())
    assert doc["project"]["name"] == "Shop" and doc["answers"] == {"clients": ["mobile"]}


def test_a_refusal_saves_the_answers_beside_never_over_a_file_and_resuming_completes(tmp_path, consultant):
    dest = tmp_path / "p"
    (tmp_path / "p.answers.yml").write_text("mine\n")
    given = {"broker": "kafka", "deploy": "serverless"}
    n = questions_with_defaults(consultant, given)
    args = [str(dest), "--lang", "en", "--set", "broker=kafka", "--set", "deploy=serverless"]
    result = run(args, PROJECT + "\n" * n + "y\n")
    assert result.exit_code == 1
    assert "conflict conflict.serverless-kafka" in result.output
    assert (tmp_path / "p.answers.yml").read_text() == "mine\n"  # never overwritten
    saved = tmp_path / "p.answers-2.yml"
    assert f"--answers {saved}" in result.output and not dest.exists()
    doc = yaml.safe_load(saved.read_text())
    assert doc["answers"]["broker"] == "kafka" and doc["answers"]["deploy"] == "serverless"
    # resuming: the saved answers are not asked again; the user changes deploy at the review and accepts
    result = run([str(dest), "--answers", str(saved), "--lang", "en"], "deploy\npaas\ny\n\n")
    assert result.exit_code == 0, result.output
    assert "[API" not in result.output and "Project name" not in result.output
    project = yaml.safe_load((dest / ".backend-expert.yml").read_text())
    assert project["decisions"]["broker"] == "kafka" and project["decisions"]["deploy"] == "paas"


def test_a_generation_gap_accepted_anyway_is_refused_and_saved(tmp_path, consultant):
    dest = tmp_path / "p"
    n = questions_with_defaults(consultant)
    result = run([str(dest), "--lang", "en"], PROJECT + "\n" * n + "api_style\ngraphql\ny\n")
    assert result.exit_code == 1
    assert "✗ api_style=graphql -> rest" in result.output  # marked at the review, before the refusal
    assert "api_style=graphql" in result.output.splitlines()[-2]
    [saved] = saved_beside(dest)
    assert yaml.safe_load(saved.read_text())["answers"]["api_style"] == "graphql"


def test_a_write_failure_saves_the_answers(tmp_path, consultant, monkeypatch):
    import expert.cli
    from expert.output import OutputError

    def failing(*args, **kwargs):
        raise OutputError("cannot write the project: disk full")

    monkeypatch.setattr(expert.cli, "write_project", failing)
    dest = tmp_path / "p"
    n = questions_with_defaults(consultant)
    result = run([str(dest), "--lang", "en"], PROJECT + "\n" * n + "y\norders\nref:string:required\n\n")
    assert result.exit_code == 1
    assert "disk full" in result.output
    [saved] = saved_beside(dest)
    doc = yaml.safe_load(saved.read_text())
    assert doc["entities"]["Order"]["fields"]["ref"]["required"] is True


def test_ctrl_c_at_the_review_saves_the_answers(tmp_path, consultant, monkeypatch):
    """SIGINT at the review prompt (a pipe: the guard turns it into Interrupted at the read)."""
    import signal

    import expert.review
    from expert.interrupts import Interrupted

    real = expert.review.read_line

    def interrupted_at_review(prompt, lang):
        if "Accept these decisions" in prompt:
            raise Interrupted(signal.SIGINT)
        return real(prompt, lang)

    monkeypatch.setattr(expert.review, "read_line", interrupted_at_review)
    dest = tmp_path / "p"
    n = questions_with_defaults(consultant)
    result = run([str(dest), "--lang", "en"], PROJECT + "2\n" + "\n" * (n + 5))  # more than enough: the review stops it
    assert result.exit_code == 130
    assert "interrupted by SIGINT" in result.output and "to resume:" in result.output
    [saved] = saved_beside(dest)
    assert yaml.safe_load(saved.read_text())["answers"]["clients"] == ["mobile"]


@pytest.mark.parametrize("case", ["non-empty", "file", "answers", "pack"])
def test_what_is_checkable_is_checked_before_the_first_question(tmp_path, case):
    dest = tmp_path / "p"
    args = [str(dest)]
    if case == "non-empty":
        dest.mkdir()
        (dest / "notes.txt").write_text("mine")
    elif case == "file":
        dest.write_text("a file")
    elif case == "answers":
        bad = tmp_path / "a.yml"
        bad.write_text("version: 1\nanswers:\n  databse: postgresql\n")
        args += ["--answers", str(bad)]
    else:
        pack = tmp_path / "pack.yml"
        pack.write_text("agent: acme/x\nrules: [\n")
        args += ["--rules", str(pack)]
    result = run(args, "\n" * 50)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    assert "Project name" not in result.output and "[API" not in result.output
    expected = {"non-empty": "is not empty: use --force", "file": "exists and is not a directory",
                "answers": "did you mean 'database'", "pack": str(tmp_path / "pack.yml")}[case]
    assert expected in lines[0]
    assert not saved_beside(dest)


def test_an_unwritable_destination_is_refused_before_the_first_question(tmp_path):
    """As an unprivileged user (root writes anywhere): a read-only parent folder."""
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    exe = str(Path(sys.executable).with_name("backend-expert"))
    locked = tmp_path / "locked"
    locked.mkdir()
    os.chmod(tmp_path, 0o755)
    os.chmod(locked, 0o555)
    command = [exe, "new", str(locked / "p"), "--lang", "fr"]
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        assert setpriv, "setpriv (util-linux) runs the check as an unprivileged user"
        for folder in tmp_path.parents:  # pytest's base folder is private to root
            if str(folder).startswith("/tmp/") and folder.stat().st_mode & 0o005 != 0o005:
                os.chmod(folder, folder.stat().st_mode | 0o005)
        command = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", *command]
    proc = subprocess.run(command, input="\n" * 50, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "HOME": str(tmp_path)})
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert proc.stderr.strip().splitlines() == [f"Erreur : impossible de créer {locked / 'p'} : permission refusée"]
    assert "Nom du projet" not in proc.stdout


def test_describe_prefills_what_the_text_names(tmp_path, consultant):
    stdin = "\n" + "\n" * 20 + ACCEPT_AND_EXAMPLE  # the name; the description is the one given
    result = run([str(tmp_path / "p"), "--lang", "en", "--describe",
                  "A REST API for our mobile app, on PostgreSQL, with JWT"], stdin)
    assert result.exit_code == 0, result.output
    assert "Understood from your description" in result.output
    assert "Description (one sentence)" not in result.output
    saved = yaml.safe_load((tmp_path / "p" / ".backend-expert.yml").read_text())
    assert saved["answers"]["database"] == "postgresql"
    assert saved["answers"]["auth"] == "jwt"
    assert "mobile" in saved["answers"]["clients"]
    assert "Who calls this API?" not in result.output  # the description already said: a mobile app


def test_the_questionnaire_collects_resources_fields_enums_and_relations(tmp_path, consultant):
    n = questions_with_defaults(consultant)
    stdin = (PROJECT + "\n" * n + "y\n" + "users, customers, orders, product categories\n"
             + "email:string:required:unique:max_length=120\n"  # Customer
             + "total:integer:required, status:enum\n"  # Order: enum without values: refused, asked again
             + "total:integer:required:min=0, status:enum:values=draft|paid:default=draft, note:text:description=Free text\n"
             + "\n"  # ProductCategory: the default field
             + "\n"  # Customer: no relation
             + "customer:many-to-one:customers:required:on_delete=cascade, tags:many-to-many:nope\n"  # unknown target
             + "customer:many-to-one:customers:required:on_delete=cascade, categories:many-to-many:ProductCategory\n"
             + "\n")  # ProductCategory: no relation
    result = run([str(tmp_path / "p"), "--lang", "en"], stdin)
    assert result.exit_code == 0, result.output
    assert "users are built in" in result.output
    assert "enum needs 'values'" in result.output
    assert "target 'nope' is not an entity" in result.output
    saved = yaml.safe_load((tmp_path / "p" / ".backend-expert.yml").read_text())
    entities = saved["entities"]
    assert list(entities) == ["Customer", "Order", "ProductCategory"]
    assert entities["Customer"]["fields"]["email"]["max_length"] == 120
    order = entities["Order"]
    assert order["fields"]["status"]["values"] == ["draft", "paid"] and order["fields"]["status"]["default"] == "draft"
    assert order["fields"]["total"]["min"] == 0 and order["fields"]["note"]["description"] == "Free text"
    assert order["relations"]["customer"] == {"kind": "many-to-one", "target": "Customer", "required": True,
                                              "on_delete": "cascade"}
    assert order["relations"]["categories"]["kind"] == "many-to-many"
    assert entities["ProductCategory"]["fields"]["name"]["type"] == "string"


def test_french_resource_names_are_not_mangled(tmp_path, consultant):
    """`employés` became `Employ`: a word that is not plain English is never singularised by guess, its
    singular identifier is asked (with a suggestion)."""
    n = questions_with_defaults(consultant)
    stdin = (PROJECT + "\n" * n + "o\n" + "employés, lignes commande\n"
             + "\n"  # employés: the suggestion (Employe)
             + "LigneDeCommande\n"  # typed
             + "nom:string:required\n" + "\n" + "\n" + "\n")
    result = run([str(tmp_path / "p"), "--lang", "fr"], stdin)
    assert result.exit_code == 0, result.output
    assert "'employés' : le nom de la ressource au singulier" in result.output and "[Employe]" in result.output
    assert "[LigneCommande]" in result.output
    saved = yaml.safe_load((tmp_path / "p" / ".backend-expert.yml").read_text())
    assert list(saved["entities"]) == ["Employe", "LigneDeCommande"]


def test_revise_offers_the_saved_answers_as_defaults(tmp_path, consultant):
    first = tmp_path / "first"
    rest = questions_with_defaults(consultant, {"clients": ["mobile"]})
    result = run([str(first), "--lang", "en"], "Shop\n\n2\n" + "\n" * rest + "y\norders\n\n\n")
    assert result.exit_code == 0, result.output
    saved = first / ".backend-expert.yml"
    # without --revise the saved answers are taken silently; with it, every question is asked, its default the saved one
    second = tmp_path / "second"
    result = run([str(second), "--answers", str(saved), "--revise", "--lang", "en"],
                 "\n\n" + "\n" * (rest + 1) + "y\n\n")
    assert result.exit_code == 0, result.output
    assert "Project name [Shop]" in result.output
    assert "Who calls this API?" in result.output and "> [mobile]" in result.output
    assert "Keep the saved domain model (Order)?" in result.output
    doc = yaml.safe_load((second / ".backend-expert.yml").read_text())
    assert doc["answers"]["clients"] == ["mobile"] and list(doc["entities"]) == ["Order"]
    # on a destination that holds .backend-expert.yml (with --force, as any non-empty destination)
    result = run([str(first), "--revise", "--force", "--lang", "en"], "\n\n" + "\n" * (rest + 1) + "y\n\n")
    assert result.exit_code == 0, result.output
    assert "> [mobile]" in result.output
    result = run([str(tmp_path / "third"), "--revise"], "")
    assert result.exit_code == 1 and "--revise needs saved answers" in result.output


def english_fragments() -> set[str]:
    """The fixed parts (12 characters or more) of every English text the interview prints itself."""
    from expert import destination, model_prompt, prompter, resume, review, selections

    texts = [t["en"] for t in prompter.WORDS.values()] + [t["en"] for t in prompter.PROJECT_TEXTS.values()]
    texts += [t["en"] for t in review.TEXTS.values()] + [t["en"] for t in model_prompt.TEXTS.values()]
    texts += [t["en"] for t in destination.TARGET_TEXTS.values()] + [resume.REVISE_TEXTS["en"]]
    texts += [resume.saved_line(None, None, "en"), resume.saved_line(Path("x"), "y", "en"),
              selections.problem("compliance", ["none", "gdpr"], "en"), selections.problem("clients", [], "en")]
    fragments = set()
    for text in texts:
        for part in re.split(r"\{[^}]*\}", text):
            part = part.strip()
            if len(part) >= 12:
                fragments.add(part)
    return fragments


def test_a_french_run_prints_no_english_of_its_own(tmp_path, consultant):
    order = consultant.run({}).asked
    answers = "".join("1,2\n2\n" if q == "compliance" else "?\n\n" if q == "clients" else "\n" for q in order)
    stdin = (PROJECT + answers + "?\nall\ncache\nzzz\n2\nback\nback\napi_style\ngraphql\n" + "o\n")
    dest = tmp_path / "p"
    result = run([str(dest), "--lang", "fr"], stdin)
    assert result.exit_code == 1  # graphql: no starter generates it
    out = result.output
    for seen in ("Nom du projet", "votre réponse sert à", "exclut toute autre valeur", "Entrée ou o : générer", "Ce qui a changé",
                 "rien à annuler", "pas une des valeurs ci-dessus", "Pas encore générables (1)",
                 "aucun modèle de projet ne génère cette valeur", "Erreur : aucun modèle de projet ne génère api_style=graphql",
                 "vos réponses sont enregistrées dans"):
        assert seen in out, seen
    leftovers = sorted(f for f in english_fragments() if f in out)
    assert not leftovers, leftovers
    # the model questions, in French too
    stdin = PROJECT + "\n" * len(order) + "o\n" + "clients\nClient\nnom:string:required:bogus\nnom:string\n\n"
    result = run([str(tmp_path / "q"), "--lang", "fr"], stdin)
    assert result.exit_code == 0, result.output
    assert "modificateur inconnu 'bogus'" in result.output and "Relations de Client" in result.output
    leftovers = sorted(f for f in english_fragments() if f in result.output)
    assert not leftovers, leftovers
