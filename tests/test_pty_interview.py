"""`backend-expert new` in a real pseudo-terminal (pexpect): arrow-key menus, `?` in a menu, checkboxes that refuse
a contradiction, Ctrl-C in a menu and at the review, as a user meets them."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pexpect
import pytest
import yaml

EXE = str(Path(sys.executable).with_name("backend-expert"))
DOWN, UP, SPACE, ENTER, CTRL_C = "\x1b[B", "\x1b[A", " ", "\r", "\x03"
#: what ends a menu question: the next question's header, the review, or the model question
NEXT = [r"\[[A-Z][^\]]* \d+/\d+\]", "Accept these decisions", "What are your main resources"]


def spawn(tmp_path: Path, *args: str) -> pexpect.spawn:
    child = pexpect.spawn(EXE, ["new", *args], cwd=str(tmp_path), encoding="utf-8", dimensions=(24, 100), timeout=30,
                          env={"TERM": "xterm", "LANG": "C.UTF-8", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
                               # pexpect does not answer prompt_toolkit's cursor-position request (a terminal does)
                               "PROMPT_TOOLKIT_NO_CPR": "1"})
    child.logfile_read = (tmp_path / "terminal.log").open("w", encoding="utf-8")
    return child


def start(child: pexpect.spawn) -> None:
    """Keep the project's name and description (Enter twice)."""
    child.expect("Project name")
    child.send(ENTER)
    child.expect("Description")
    child.send(ENTER)


def enter_until(child: pexpect.spawn, pattern: str) -> None:
    """Press Enter at every menu (its default) until ``pattern`` is on the screen."""
    while child.expect([pattern, r"\(arrows to move"]) == 1:
        child.send(ENTER)


def finish(child: pexpect.spawn) -> int:
    child.expect(pexpect.EOF, timeout=120)
    child.close()
    return child.exitstatus if child.exitstatus is not None else 128 + child.signalstatus


def test_question_mark_in_a_menu_explains_and_ctrl_c_saves_the_answers(tmp_path):
    child = spawn(tmp_path, "p", "--lang", "en")
    start(child)
    child.expect(r"\[API 1/1\] Who calls this API\?")
    child.expect("Space to tick")
    child.send("?")
    child.expect("your answer is used by:")  # the WHY, from inside the menu
    child.expect("Space to tick")  # the menu again
    child.send(DOWN + SPACE + ENTER)  # mobile too
    child.expect(r"\[Database 1/2\]")
    child.send(CTRL_C)
    child.expect("interrupted by SIGINT")
    child.expect("your answers are saved in")
    assert finish(child) == 130
    saved = tmp_path / "p.answers.yml"
    assert not (tmp_path / "p").exists()
    assert yaml.safe_load(saved.read_text())["answers"] == {"clients": ["browser-spa", "mobile"]}


def test_question_mark_keeps_the_cursor_and_the_ticks(tmp_path):
    """After `?` a menu comes back where the user left it: the same entry under the cursor, the same boxes ticked."""
    from expert.knowledge import load_knowledge

    child = spawn(tmp_path, "p", "--lang", "en")
    start(child)
    child.expect(r"\[API 1/1\] Who calls this API\?")
    child.expect("Space to tick")
    child.send(DOWN + SPACE)  # mobile ticked (beside the default), the cursor on it
    child.send("?")
    child.expect("your answer is used by:")
    child.expect("Space to tick")
    child.send(DOWN + SPACE + ENTER)  # the entry below mobile
    child.expect(r"\[Database 1/2\]")
    child.expect("Enter to choose")
    child.send(DOWN)
    child.send("?")
    child.expect("your answer is used by:")
    child.expect("Enter to choose")
    child.send(ENTER)  # still the second entry, not the default
    child.expect(NEXT)
    child.send(CTRL_C)
    assert finish(child) == 130
    answers = yaml.safe_load((tmp_path / "p.answers.yml").read_text())["answers"]
    assert answers.pop("clients") == ["browser-spa", "mobile", "third-party"]
    (key, value), = answers.items()
    question = load_knowledge().questions[key]
    assert value == question.choices[1].value != question.default


class Tmux:
    """A 100x24 terminal (tmux, private server): what the user sees is ``screen()``, keys go in by name."""

    def __init__(self, tmp_path: Path, command: list[str]) -> None:
        self.socket = f"be-{os.getpid()}-{tmp_path.name}"
        shell = " ".join(shlex.quote(c) for c in command) + f" 2> {shlex.quote(str(tmp_path / 'err'))}"
        self._tmux("new-session", "-d", "-s", "t", "-x", "100", "-y", "24", "-c", str(tmp_path),
                   f"{shell}; echo exit=$? >> {shlex.quote(str(tmp_path / 'err'))}; sleep 60")

    def _tmux(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], check=True, capture_output=True, text=True).stdout

    def keys(self, *names: str) -> None:
        for name in names:  # one at a time, as typed
            self._tmux("send-keys", "-t", "t", name)
            time.sleep(0.05)

    def screen(self) -> str:
        return self._tmux("capture-pane", "-t", "t", "-p", "-J")  # -J: a line the terminal wrapped reads as one

    def wait(self, text: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen:\n{self.screen()}")

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux renders the menus' bottom line")
def test_arrow_keys_choose_and_a_contradictory_checkbox_is_refused(tmp_path):
    """In tmux (a full terminal: questionary shows a refused checkbox on the bottom line, which a bare pty
    stream does not render)."""
    term = Tmux(tmp_path, [EXE, "new", "p", "--lang", "en", "--set", "clients=mobile"])
    try:
        term.wait("Project name")
        term.keys("Enter")
        term.wait("Description")
        term.keys("Enter")
        term.wait("[Database 1/2]")
        term.keys("Enter")
        term.wait("[Database 2/2]")
        term.keys("Down", "Enter")  # consistency: the second choice
        term.wait("[Auth & security 1/1]")
        term.keys("Down", "Space", "Enter")  # none (the default) and gdpr
        screen = term.wait("'none' excludes every other value")
        assert screen.rstrip().splitlines()[-1].startswith("'none' excludes every other value (you also chose gdpr)")
        term.keys("Up", "Space", "Enter")  # untick none
        term.wait("[Architecture 1/")
        while "Accept these decisions" not in term.screen():
            term.keys("Enter")
            time.sleep(0.4)
        term.keys("Enter")
        term.wait("What are your main resources")
        term.keys("Enter")
        deadline = time.monotonic() + 120
        while "exit=" not in (tmp_path / "err").read_text() and time.monotonic() < deadline:
            time.sleep(0.5)
    finally:
        term.close()
    assert "exit=0" in (tmp_path / "err").read_text(), (tmp_path / "err").read_text()
    answers = yaml.safe_load((tmp_path / "p" / ".backend-expert.yml").read_text())["answers"]
    assert answers["compliance"] == ["gdpr"]
    assert answers["consistency"] == "eventual"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_ctrl_c_at_the_review_saves_the_answers(tmp_path, lang):
    child = spawn(tmp_path, "p", "--lang", lang)
    child.expect("Project name" if lang == "en" else "Nom du projet")
    child.send("Shop" + ENTER)
    child.expect("Description")
    child.send(ENTER)
    accept = "Accept these decisions" if lang == "en" else "Accepter ces décisions"
    while child.expect([accept, r"\(arrows to move", r"\(flèches pour se déplacer"]):
        child.send(ENTER)
    child.send(CTRL_C)
    child.expect("interrupted by SIGINT" if lang == "en" else "interrompu par SIGINT")
    child.expect("your answers are saved in" if lang == "en" else "vos réponses sont enregistrées dans")
    assert finish(child) == 130
    doc = yaml.safe_load((tmp_path / "p.answers.yml").read_text())
    assert doc["project"]["name"] == "Shop" and "clients" in doc["answers"]
