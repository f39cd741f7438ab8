"""Fill in a case by answering questions: one field at a time, in the form's order, in Danish.

Nothing here knows a field by name. The questions come from the prepared
forms (labels, help, choice lists, conditions in ``meta``); every answer is
turned into a value by :func:`fields.from_text` and checked by
:func:`fields.check_field`, the validator that checks case files, so a wrong
answer is asked again at once with the same Danish reason a case file would
get. The case is held in memory and written (atomically) only when every
question is answered: Ctrl-C or end of input leaves no half file, and when
answers were given, ``fill`` offers to keep them in a draft (``_draft``). A
form may be a section, ``case``, or the path of one field or group
(``incident.description``): then only that is asked.

Long texts: ``e`` opens the editor ``$VISUAL``/``$EDITOR`` names; without one
(or when it cannot start) the text is typed in the terminal, line by line.

``no_input`` runs the same code with every answer empty, i.e. the defaults
(the existing file); a value that is not valid then raises CaseError.
"""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable

import click

from ..case.paths import document_path, within
from ..errors import CaseError, OutputError, Problem
from ..case.fields import (NO, YES, applies, check_field, choice_keys, dumps, field_rules, from_text, is_group_list, sections_of,
                     split_path, without_schema_key)
from ..case.forms import Forms
from ..case.casefile import read_case_file, set_path
from ..output.files import replace_file
from ._draft import offer_draft

#: What a person types at a long text to write it in their editor.
EDIT = "e"
#: What a person types to empty a field that has a value.
CLEAR = "-"

INTRO = ("Besvar spørgsmålene. Tryk Enter for at beholde værdien i [ ], skriv - for at slette den.\n"
         "Ctrl-C afbryder; du kan så gemme dine svar som en kladde.")
#: A line with only this ends a text typed in the terminal.
END_OF_TEXT = "."

#: A hint after the label of date and time fields: both ways of writing are accepted.
FORMAT_HINTS = {
    "date": "dato, fx 24-11-2026",
    "datetime": "dato og evt. klokkeslæt, fx 24-11-2026 kl. 10.30",
    "integer": "et tal",
}


def fill_file(forms: Forms, form: str, path: Path | None = None, no_input: bool = False,
              now: datetime | None = None, overrides: Iterable[tuple[str, Any]] = ()) -> dict:
    """Ask for every field of ``form`` (a section or ``case``); write the case to ``path`` if given.

    An existing ``path``, with ``overrides`` (``--set``) on top, gives the
    defaults; the file is replaced atomically at the end.
    """
    field = split_path(form) if "." in form or "[" in form else None
    sections = sections_of(forms, form) if field is None else []
    if path is not None and not Path(path).parent.is_dir():  # said before the first question, not after the last
        raise OutputError("mappen findes ikke", file=str(Path(path).parent))
    case = read_case_file(path) if path is not None and Path(path).exists() else {}
    for dotted, value in overrides:
        set_path(case, dotted, value)
    conversation = Conversation(forms, case, no_input=no_input, now=now)
    try:
        if field is None:
            conversation.fill(sections)
        else:
            conversation.fill_field(field)
        if path is not None:
            replace_file(Path(path), dumps(case))
    except CaseError as err:
        if path is not None:
            err.with_file(str(path))
        conversation.offer_draft(form, path)
        raise
    except (Exception, KeyboardInterrupt, click.Abort):
        conversation.offer_draft(form, path)
        raise
    return case


class Conversation:
    """One run of questions over a case held in memory."""

    def __init__(self, forms: Forms, case: dict, no_input: bool = False, now: datetime | None = None):
        self.forms = forms
        self.case = case
        self.no_input = no_input
        self.now = now
        #: Answers typed so far (not the Enters that keep a value): what a draft would save.
        self.answered = 0
        #: The editor failed once: long texts are typed in the terminal from then on.
        self.editor_failed = False

    # --- talking -------------------------------------------------------------------

    def say(self, text: str = "") -> None:
        """Show a line (not without input); on stderr, so ``fill incident > sag.json`` keeps stdout for the JSON."""
        if not self.no_input:
            click.echo(text, err=True)

    def read(self, prompt: str) -> str:
        """One answer; without input, the empty answer (take the default)."""
        if self.no_input:
            return ""
        answer = click.prompt(prompt, default="", show_default=False, err=True)
        self.answered += bool(answer.strip())
        return answer

    def yes_no(self, question: str, default: bool) -> bool:
        """A j/n question about the conversation itself (not a field)."""
        hint = "[J/n]" if default else "[j/N]"
        while True:
            answer = self.read(f"{question} {hint}").strip().lower()
            if not answer:
                return default
            if answer in YES or answer in NO:
                return answer in YES
            self.say("Svar j for ja eller n for nej.")

    def show_problems(self, problems: list[Problem]) -> None:
        """Print the validator's reasons, or stop when nobody can answer again."""
        if self.no_input:
            raise CaseError(problems)
        for problem in problems:
            self.say(f"Fejl: {problem.format()}")

    # --- walking the forms ------------------------------------------------------------

    def fill(self, sections: list[str]) -> None:
        """Ask every field of ``sections`` in order, then check the sections as a whole."""
        self._refuse_unknown_fields(sections)
        self.say(INTRO)
        for section in sections:
            rules = self.forms.schema[section]
            title = self.forms.title(section)
            if len(sections) > 1 and not rules.get("required"):
                if not self.yes_no(f"\nUdfyld '{title}'?", default=bool(self.case.get(section))):
                    continue
            self.say(f"\n== {title} ==")
            if self.forms.description(section):
                self.say(self.forms.description(section))
            if not isinstance(self.case.get(section), dict):
                self.case[section] = {}
            self.fields(rules["schema"], self.case[section], (section,))
        self._final_check(sections)

    def fields(self, schema: dict, values: dict, parts: tuple) -> None:
        """Ask the fields of one group whose conditions hold; drop those whose conditions do not."""
        for name, rules in schema.items():
            here = parts + (name,)
            if not applies(rules, values, self.case):
                values.pop(name, None)
            elif rules.get("type") == "dict" and isinstance(rules.get("schema"), dict):
                self.say(f"\n-- {_label(rules, name)} --")
                if not isinstance(values.get(name), dict):
                    values[name] = {}
                self.fields(rules["schema"], values[name], here)
            elif is_group_list(rules):
                self.group(rules, values, name, here)
            else:
                self.value(rules, values, name, here)

    def group(self, rules: dict, values: dict, name: str, parts: tuple) -> None:
        """A repeatable group: go through the items there are, then offer to add more."""
        meta = rules.get("meta") or {}
        item = meta.get("item_label", "element")
        article = meta.get("item_article", "en")
        self.say(f"\n-- {_label(rules, name)} --")
        old = values.get(name) if isinstance(values.get(name), list) else []
        items: list = []
        values[name] = items
        for number, entry in enumerate(old, start=1):
            if self.yes_no(f"Behold {item} {number}?", default=True):
                items.append(entry if isinstance(entry, dict) else {})
                self.say(f"{item.capitalize()} {len(items)}:")
                self.fields(rules["schema"]["schema"], items[-1], parts + (len(items) - 1,))
        while True:
            if len(items) >= (rules.get("minlength") or 0):
                more = "endnu " if items else ""
                if not self.yes_no(f"Tilføj {more}{article} {item}?", default=False):
                    return
            items.append({})
            self.say(f"{item.capitalize()} {len(items)}:")
            self.fields(rules["schema"]["schema"], items[-1], parts + (len(items) - 1,))

    def value(self, rules: dict, values: dict, name: str, parts: tuple) -> None:
        """Ask one field until the validator accepts the answer; keep its normalised value."""
        meta = rules.get("meta") or {}
        keys = choice_keys(rules)
        self._introduce(rules, name, keys)
        while True:
            current = values.get(name)
            answer = self.read(self._prompt(rules, name, current, keys)).strip()
            if answer == "":
                new = current
            elif answer == CLEAR:
                new = None
            elif meta.get("long") and answer.lower() == EDIT:
                new = self.edit(current)
                if new is _EDITOR_FAILED:
                    continue
            elif keys:
                new = self._pick(answer, keys, rules, parts)
                if isinstance(new, Problem):
                    self.show_problems([new])
                    continue
            else:
                new = from_text(rules, answer)
            if new is None or new == []:
                values.pop(name, None)
            else:
                values[name] = new
            problems, normalised = check_field(self.forms, self.case, parts, now=self.now)
            if not problems:
                if name in values:
                    values[name] = normalised
                return
            values.pop(name, None)
            if current is not None:
                values[name] = current
            self.show_problems(problems)

    def edit(self, current: Any) -> Any:
        """Write a long text in the person's editor; closing without saving keeps the old text.

        Without an editor the text is typed in the terminal. An editor that cannot
        start or fails is said in Danish, and the question is asked again.
        """
        if not self._has_editor():
            return self.type_lines(current)
        try:
            text = click.edit(current if isinstance(current, str) else "", extension=".txt")
        except click.ClickException:  # click's message is English and names the program
            self.editor_failed = True
            self.say("Fejl: editoren kunne ikke åbnes eller sluttede med en fejl (se miljøvariablen EDITOR); "
                     f"svar igen, eller skriv {EDIT} for at skrive teksten her")
            return _EDITOR_FAILED
        return current if text is None else text

    def type_lines(self, current: Any) -> Any:
        """A long text typed in the terminal, line by line, ended by a line with only a full stop."""
        self.say(f"Skriv teksten; afslut med en linje med kun et punktum ({END_OF_TEXT}). "
                 "Uden tekst beholdes den gamle.")
        lines: list[str] = []
        while (line := click.prompt("", default="", show_default=False, prompt_suffix="> ", err=True)) != END_OF_TEXT:
            lines.append(line)
        self.answered += bool(lines)
        return "\n".join(lines) if "".join(lines).strip() else current

    def _has_editor(self) -> bool:
        return not self.editor_failed and bool(os.environ.get("VISUAL") or os.environ.get("EDITOR"))

    def offer_draft(self, form: str, path: Path | None) -> None:
        """After an interruption or error: offer to keep the answers given so far in a new draft file."""
        if not self.no_input and self.answered:
            offer_draft(self.yes_no, self.say, self.answered, dumps(self.case), form, path)

    # --- pieces -------------------------------------------------------------------------

    def _introduce(self, rules: dict, name: str, keys: list[str]) -> None:
        """Help text, and for choices the label and the numbered list, before the question."""
        meta = rules.get("meta") or {}
        if keys:
            self.say(_label(rules, name))
        if meta.get("help"):
            self.say(f"  {meta['help']}")
        if keys:
            list_name = meta.get("choices")
            for number, key in enumerate(keys, start=1):
                self.say(f"  {number:>2}. {self.forms.label(list_name, key)}")

    def _prompt(self, rules: dict, name: str, current: Any, keys: list[str]) -> str:
        """The question line, with the default in [ ]."""
        kind = rules.get("type")
        meta = rules.get("meta") or {}
        if keys and kind == "list":
            numbers = [str(keys.index(k) + 1) if k in keys else str(k) for k in current or []]
            return "Vælg et eller flere numre, adskilt af komma" + (f" [{', '.join(numbers)}]" if numbers else "")
        if keys:
            shown = str(keys.index(current) + 1) if current in keys else current
            return "Vælg et nummer" + (f" [{shown}]" if current not in (None, "") else "")
        label = _label(rules, name)
        if kind == "boolean":
            return f"{label}? " + {True: "[J/n]", False: "[j/N]"}.get(current, "[j/n]")
        if meta.get("long"):
            hint = f" [en tekst på {len(current)} tegn]" if isinstance(current, str) and current else ""
            how = "bruge din editor" if self._has_editor() else "skrive flere linjer"
            return f"{label} (skriv {EDIT} for at {how}){hint}"
        hint = f" ({FORMAT_HINTS[kind]})" if kind in FORMAT_HINTS else ""
        shown = f" [{current}]" if current not in (None, "") else ""
        return f"{label}{hint}{shown}"

    def _pick(self, answer: str, keys: list[str], rules: dict, parts: tuple) -> Any:
        """Numbers (or keys) typed at a choice question as the field's value."""
        many = rules.get("type") == "list"
        tokens = [t for t in re.split(r"[,;\s]+", answer) if t] if many else [answer]
        chosen: list[str] = []
        for token in tokens:
            if token.isdigit():
                if not 1 <= int(token) <= len(keys):
                    return Problem(f"vælg et nummer fra 1 til {len(keys)}", path=document_path(parts),
                                   label=_label(rules, str(parts[-1])))
                token = keys[int(token) - 1]
            if token not in chosen:
                chosen.append(token)
        return chosen if many else chosen[0]

    def _refuse_unknown_fields(self, sections: list[str]) -> None:
        """Fields in the file the forms do not know cannot be asked for: say so before asking anything."""
        validator = self.forms.validator(self.now)
        if validator.validate(without_schema_key(self.case)):
            return
        unknown = [p for p in validator.errors if p.path and p.path.split(".")[0].split("[")[0] in sections
                   and field_rules(self.forms, split_path(p.path)) is None]
        if unknown:
            raise CaseError(unknown)

    def _final_check(self, sections: list[str], inside: str | None = None) -> None:
        """Rules across fields can fail after both were answered: ask the named field again.

        :param inside: only problems of this field or group (``fill PATH``) are asked again.
        """
        while True:
            validator = self.forms.validator(self.now)
            if validator.validate(without_schema_key(self.case)):
                return
            problems = [p for p in validator.errors if p.path and split_path(p.path)[0] in sections
                        and (inside is None or within(p.path, inside))]
            if not problems:
                return
            self.show_problems(problems)
            parts = split_path(problems[0].path)
            while parts and isinstance(parts[-1], int):
                parts = parts[:-1]
            parent = _at(self.case, parts[:-1])
            rules = field_rules(self.forms, parts)
            if not isinstance(parent, dict) or rules is None:
                raise CaseError(problems)
            self.ask(rules, parent, parts)

    def ask(self, rules: dict, parent: dict, parts: tuple) -> None:
        """Ask the field, group or repeatable group at ``parts`` (it lives in ``parent``)."""
        if rules.get("type") == "dict" and isinstance(rules.get("schema"), dict):
            if not isinstance(parent.get(parts[-1]), dict):
                parent[parts[-1]] = {}
            self.fields(rules["schema"], parent[parts[-1]], parts)
        elif is_group_list(rules):
            self.group(rules, parent, parts[-1], parts)
        else:
            self.value(rules, parent, parts[-1], parts)

    def fill_field(self, parts: tuple) -> None:
        """Ask only the field or group at ``parts`` (``fill incident.description``), then check it."""
        dotted = document_path(parts)
        rules = field_rules(self.forms, parts)
        if rules is None or len(parts) < 2 or isinstance(parts[-1], int):
            raise CaseError("ukendt felt; skriv stien til et felt eller en gruppe, fx incident.description, "
                            "eller en formular: " + ", ".join(self.forms.sections), path=dotted)
        self._refuse_unknown_fields([parts[0]])
        if _at(self.case, parts[:-1]) is None:
            set_path(self.case, document_path(parts[:-1]), {})
        parent = _at(self.case, parts[:-1])
        if not isinstance(parent, dict):
            raise CaseError("gruppen, feltet står i, er ikke udfyldt som en gruppe i sagsfilen", path=dotted)
        if not applies(rules, parent, self.case):
            raise CaseError("feltet bruges ikke i sagen, som den er udfyldt nu", path=dotted,
                            label=_label(rules, str(parts[-1])))
        self.say(INTRO)
        self.ask(rules, parent, parts)
        self._final_check([parts[0]], inside=dotted)


#: What ``edit`` returns when the editor failed: the question is asked again.
_EDITOR_FAILED = object()


def _label(rules: dict, name: str) -> str:
    return (rules.get("meta") or {}).get("label", name)


def _at(case: dict, parts: tuple) -> Any:
    current: Any = case
    for part in parts:
        if isinstance(current, dict):
            current = current.get(part)
        elif isinstance(current, list) and isinstance(part, int) and part < len(current):
            current = current[part]
        else:
            return None
    return current
