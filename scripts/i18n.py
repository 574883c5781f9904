#!/usr/bin/env python
"""Translations: the catalogues, by area, and the checks that keep them whole (docs/translations.md).

Every area of the code has its own catalogue, locale/<area>/<lang>/LC_MESSAGES/django.po (settings.LOCALE_PATHS
lists every locale/<area>), so people working on different apps never edit the same file. Commands:

    .venv/bin/python scripts/i18n.py extract [AREA ...]   # (re)build the areas' .po from the code (makemessages)
    .venv/bin/python scripts/i18n.py status [AREA ...]    # entries missing or fuzzy, per area and language
    .venv/bin/python scripts/i18n.py missing AREA LANG    # the msgids still to translate, as JSON
    .venv/bin/python scripts/i18n.py apply AREA FILE.json # fill translations: {"msgid": {"de": .., "fr": .., "es": ..}}
                                                          # (plurals: {"msgid": {"de": ["one", "other"], ...}})
    .venv/bin/python scripts/i18n.py compile [AREA ...]   # .po -> .mo (committed: `make run` needs no gettext)
    .venv/bin/python scripts/i18n.py lint [PATH ...]      # text outside translation calls (templates, Python)

`extract` needs GNU gettext (xgettext, msgmerge); the others need only polib.
"""

from __future__ import annotations

import argparse
import ast
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
LANGUAGES = ("de", "fr", "es")
PLURAL_FORMS = {
    "de": "nplurals=2; plural=(n != 1);",
    "fr": "nplurals=2; plural=(n > 1);",
    "es": "nplurals=2; plural=(n != 1);",
}
LANGUAGE_NAMES = {"de": "German", "fr": "French", "es": "Spanish"}

# Which files each area's catalogue holds: glob patterns relative to the project root (first match wins, in the
# order of AREAS). The emails area takes every message sent to a person by email, whichever app writes it.
AREAS: dict[str, tuple[str, ...]] = {
    "emails": (
        "templates/*/email/*",
        "templates/email/*",
        "templates/*/emails/*",
        "sessions/messages.py",
        "sessions/services/reminder_mail.py",
        "matching/services/emails.py",
        "mentorhub/accounts/services/invitations.py",
        "programs/services/invitations.py",
        "mentorhub/mail/*",
        "mentorhub/web/email*",
    ),
    "accounts": ("mentorhub/accounts/*", "templates/accounts/*", "templates/account/*", "templates/allauth/*"),
    "identity": ("identity/*", "templates/identity/*"),
    "programs": ("programs/*", "templates/programs/*"),
    "matching": ("matching/*", "templates/matching/*"),
    "sessions": ("sessions/*", "templates/sessions/*"),
    "analytics": ("analytics/*", "templates/analytics/*"),
    "integrations": ("integrations/*", "templates/integrations/*"),
    # What every page shares: the base templates, the shared web layer, the project package.
    "core": ("templates/*", "mentorhub/*"),
}
# Never translated: not shown to people (migrations, tests, benchmarks, scripts) or their own words (demo data).
EXCLUDED = (
    "*/migrations/*",
    "tests/*",
    "bench/*",
    "scripts/*",
    "demo/*",
    "node_modules/*",
    ".venv/*",
    "staticfiles/*",
    "var/*",
    "*/management/commands/*",
    "templates/drf_spectacular/*",
    "templates/admin/*",
)
SOURCE_SUFFIXES = (".py", ".html", ".txt")


def area_of(relative: str) -> str | None:
    if any(fnmatch.fnmatch(relative, pattern) for pattern in EXCLUDED):
        return None
    for area, patterns in AREAS.items():
        if any(fnmatch.fnmatch(relative, pattern) for pattern in patterns):
            return area
    return None


def source_files() -> dict[str, list[str]]:
    """Every translatable source file, by area (paths relative to the project root)."""
    found: dict[str, list[str]] = {area: [] for area in AREAS}
    for top in ("mentorhub", "identity", "programs", "matching", "sessions", "analytics", "integrations", "templates"):
        for path in sorted((ROOT / top).rglob("*")):
            if path.is_file() and path.suffix in SOURCE_SUFFIXES:
                relative = path.relative_to(ROOT).as_posix()
                area = area_of(relative)
                if area is not None:
                    found[area].append(relative)
    return found


def po_path(area: str, language: str, locale: Path = LOCALE) -> Path:
    return locale / area / language / "LC_MESSAGES" / "django.po"


# --- extract ----------------------------------------------------------------------------------------------


def extract(areas: list[str], locale: Path = LOCALE, quiet: bool = False) -> None:
    """Rebuild the areas' catalogues under `locale` from the code: new messages added untranslated, changed
    ones marked fuzzy (msgmerge), gone ones dropped."""
    files = source_files()
    for area in areas:
        with tempfile.TemporaryDirectory() as tmp:
            tree = Path(tmp)
            for relative in files[area]:
                (tree / relative).parent.mkdir(parents=True, exist_ok=True)
                (tree / relative).symlink_to(ROOT / relative)
            for language in LANGUAGES:
                target = tree / "locale" / language / "LC_MESSAGES"
                target.mkdir(parents=True)
                if po_path(area, language, locale).exists():
                    shutil.copy(po_path(area, language, locale), target / "django.po")
            env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
            command = [sys.executable, "-m", "django", "makemessages", "--symlinks", "--no-obsolete"]
            command += ["--add-location=file", "-e", "html,txt,py", "--no-wrap"]
            for language in LANGUAGES:
                command += ["-l", language]
            subprocess.run(command, cwd=tree, env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603 - our own command
            for language in LANGUAGES:
                produced = tree / "locale" / language / "LC_MESSAGES" / "django.po"
                if not produced.exists():  # no string in this area yet
                    continue
                po_path(area, language, locale).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(produced, po_path(area, language, locale))
                _fix_header(po_path(area, language, locale), area, language)
        if not quiet:
            print(f"{area}: {len(files[area])} files")


def _fix_header(path: Path, area: str, language: str) -> None:
    import polib

    po = polib.pofile(str(path), wrapwidth=0)
    po.metadata.update(
        {
            "Project-Id-Version": f"MentorHub {area}",
            "Language": language,
            "Language-Team": LANGUAGE_NAMES[language],
            "Plural-Forms": PLURAL_FORMS[language],
            "Content-Type": "text/plain; charset=UTF-8",
            "Report-Msgid-Bugs-To": "",
            "Last-Translator": "MentorHub",
        }
    )
    po.metadata.pop("POT-Creation-Date", None)  # changes on every run: noise in every diff
    po.metadata.pop("PO-Revision-Date", None)
    po.metadata_is_fuzzy = False
    po.header = f"MentorHub: {LANGUAGE_NAMES[language]} catalogue of the {area} area (docs/translations.md)."
    po.save()


# --- status, missing, apply, compile --------------------------------------------------------------------------


@dataclass
class Gap:
    area: str
    language: str
    missing: list[str]
    fuzzy: list[str]


def gaps(areas: list[str], locale: Path = LOCALE) -> list[Gap]:
    import polib

    found = []
    for area in areas:
        for language in LANGUAGES:
            path = po_path(area, language, locale)
            if not path.exists():
                continue
            po = polib.pofile(str(path))
            missing = [e.msgid for e in po if not e.obsolete and not e.fuzzy and not _translated(e)]
            fuzzy = [e.msgid for e in po if e.fuzzy and not e.obsolete]
            found.append(Gap(area, language, missing, fuzzy))
    return found


def _translated(entry) -> bool:
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(value.strip() for value in entry.msgstr_plural.values())
    return bool(entry.msgstr.strip())


def apply(area: str, source: Path) -> None:
    import polib

    table = json.loads(source.read_text(encoding="utf-8"))
    for language in LANGUAGES:
        path = po_path(area, language)
        if not path.exists():
            continue
        po = polib.pofile(str(path), wrapwidth=0)
        filled = 0
        for entry in po:
            translation = table.get(entry.msgid, {}).get(language)
            if translation is None:
                continue
            if entry.msgid_plural:
                forms = translation if isinstance(translation, list) else [translation, translation]
                entry.msgstr_plural = dict(enumerate(forms))
            else:
                entry.msgstr = translation if isinstance(translation, str) else translation[0]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            # msgmerge's record of what a fuzzy entry was matched from ("#| msgid ..."): gone with the fuzziness
            entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
            filled += 1
        po.save()
        print(f"{area}/{language}: {filled} entries filled")


def compile_areas(areas: list[str]) -> None:
    import polib

    for area in areas:
        for language in LANGUAGES:
            path = po_path(area, language)
            if path.exists():
                polib.pofile(str(path)).save_as_mofile(str(path.with_suffix(".mo")))


# --- lint: text outside translation calls ----------------------------------------------------------------------

# Words that are the same in every language we write (names of things, units, formats).
NOT_WORDS = frozenset(
    [
        "MentorHub",
        "CSV",
        "API",
        "PDF",
        "ID",
        "IDs",
        "SSO",
        "SCIM",
        "OIDC",
        "SAML",
        "URL",
        "UTC",
        "HTTP",
        "HTTPS",
        "iCal",
        "ICS",
        "JSON",
        "Slack",
        "Teams",
        "Microsoft",
        "Google",
        "Outlook",
        "Zoom",
        "Jitsi",
        "OpenID",
        "Connect",
        "HR",
        "DEI",
        "IdP",
        "SP",
        "XML",
        "TOTP",
        "vs",
        "OK",
        "am",
        "pm",
        "px",
        "Chart.js",
        "htmx",
        "Webhooks",
        "webhook",
    ]
)
# A run of two letters or more that is not a name from the list above is text for people.
WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)
TAG_LITERAL = re.compile(r"\b\w+=([\"'])(.*?)\1")
ATTRIBUTES = re.compile(r"\b(title|placeholder|aria-label|aria-description|alt|data-confirm|label)=\"([^\"]*)")


def _has_words(text: str) -> bool:
    text = re.sub(r"&[a-zA-Z]+;|&#\d+;", " ", text)
    return any(word not in NOT_WORDS for word in WORD.findall(text))


@dataclass
class Finding:
    path: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text[:100]!r}"


def lint_template(relative: str) -> list[Finding]:
    """Text a template shows that is not inside {% translate %} / {% blocktranslate %}."""
    from django.template.base import Lexer, TokenType

    source = (ROOT / relative).read_text(encoding="utf-8")
    findings: list[Finding] = []
    inside: list[str] = []  # blocktranslate, comment, verbatim (their text is not ours to check)
    in_tag = False  # inside <...>: a tag's name and attributes are markup (some attributes are checked below)
    raw_element = False  # inside <script> / <style>: code, not text
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents else ""
            if name in ("include", "with") and not inside:
                # Text handed to an included template or a variable: {% include "x.html" with heading="Goals" %}
                for literal in TAG_LITERAL.finditer(token.contents):
                    value = literal.group(2)
                    identifier = re.fullmatch(r"[a-z0-9_\-./:#]*", value) is not None  # active="invite", id="x-y"
                    if not identifier and _has_words(value):
                        findings.append(Finding(relative, token.lineno, f"{literal.group(0)}"))
            if name in ("blocktranslate", "blocktrans", "comment", "verbatim"):
                inside.append(name)
            elif name in ("endblocktranslate", "endblocktrans", "endcomment", "endverbatim") and inside:
                inside.pop()
            continue
        if token.token_type != TokenType.TEXT or inside:
            continue
        text = re.sub(r"<!--.*?-->", " ", token.contents, flags=re.S)
        for match in ATTRIBUTES.finditer(text):
            if _has_words(match.group(2)):
                findings.append(Finding(relative, token.lineno, f'{match.group(1)}="{match.group(2)}'))
        visible: list[str] = []
        position = 0
        while position < len(text):
            char = text[position]
            if in_tag:
                if char == ">":
                    in_tag = False
            elif char == "<" and re.match(r"<[/!a-zA-Z]", text[position : position + 2]):
                tag = re.match(r"</?([a-zA-Z]+)", text[position:])
                name = tag.group(1).lower() if tag else ""
                if name in ("script", "style"):
                    raw_element = text[position + 1] != "/"
                in_tag = True
                visible.append(" ")
            elif not raw_element:
                visible.append(char)
            position += 1
        for line_offset, line in enumerate("".join(visible).split("\n")):
            if _has_words(line):
                findings.append(Finding(relative, token.lineno + line_offset, line.strip()))
    return findings


# Python: the places where a string reaches people.
MESSAGE_FUNCTIONS = {"success", "info", "warning", "error", "debug", "add_message"}
PEOPLE_KEYWORDS = frozenset(
    [
        "label",
        "help_text",
        "verbose_name",
        "verbose_name_plural",
        "empty_label",
        "title",
        "body",
        "subject",
        "message",
        "placeholder",
        "detail",
        "reason",
    ]
)
TRANSLATION_CALLS = frozenset(
    [
        "_",
        "gettext",
        "gettext_lazy",
        "ngettext",
        "ngettext_lazy",
        "pgettext",
        "pgettext_lazy",
        "npgettext",
        "npgettext_lazy",
        "gettext_noop",
        "format_lazy",
        "_lazy",
        "mark_safe",
    ]
)
OPT_OUT = "# untranslated:"  # on the line: "# untranslated: <why this is not for people>"


class _PythonLint(ast.NodeVisitor):
    def __init__(self, relative: str, lines: list[str]):
        self.relative = relative
        self.lines = lines
        self.findings: list[Finding] = []
        self.choices_class = 0

    def _report(self, node: ast.AST) -> None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and _has_words(node.value):
            text = node.value
        elif isinstance(node, ast.JoinedStr):
            text = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
            if not _has_words(text):
                return
        else:
            return
        line = self.lines[node.lineno - 1] if node.lineno - 1 < len(self.lines) else ""
        if OPT_OUT in line:
            return
        self.findings.append(Finding(self.relative, node.lineno, text))

    def _strings_in(self, node: ast.AST) -> None:
        """A literal, or literals inside a dict/list/tuple (ValidationError({"field": "..."})), or the branches
        of a conditional expression; a translation call inside is fine."""
        if isinstance(node, ast.Call) and _call_name(node) in TRANSLATION_CALLS:
            return
        if isinstance(node, (ast.Constant, ast.JoinedStr)):
            self._report(node)
        elif isinstance(node, ast.Dict):
            for value in node.values:
                if value is not None:
                    self._strings_in(value)
        elif isinstance(node, (ast.List, ast.Tuple)):
            for element in node.elts:
                self._strings_in(element)
        elif isinstance(node, ast.IfExp):
            self._strings_in(node.body)
            self._strings_in(node.orelse)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
            self._strings_in(node.left)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        is_choices = any(
            (isinstance(base, ast.Attribute) and base.attr in ("TextChoices", "IntegerChoices"))
            or (isinstance(base, ast.Name) and base.id in ("TextChoices", "IntegerChoices"))
            for base in node.bases
        )
        self.choices_class += is_choices
        self.generic_visit(node)
        self.choices_class -= is_choices

    def visit_Assign(self, node: ast.Assign) -> None:
        # TextChoices members: NAME = "value", "Label"
        if self.choices_class and isinstance(node.value, ast.Tuple) and len(node.value.elts) >= 2:
            self._strings_in(node.value.elts[-1])
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        name = _call_name(node)
        if name in ("ValidationError", "PermissionDenied") and node.args:
            self._strings_in(node.args[0])
        if name in MESSAGE_FUNCTIONS and _receiver(node) == "messages" and len(node.args) >= 2:
            self._strings_in(node.args[-1])
        if name == "add_error" and len(node.args) >= 2:
            self._strings_in(node.args[1])
        for keyword in node.keywords:
            if keyword.arg in ("help_text", "label") and "/api/" in self.relative:
                continue  # the API's field documentation is for developers, in English like the API docs
            if keyword.arg in PEOPLE_KEYWORDS:
                self._strings_in(keyword.value)
            if keyword.arg == "choices":
                self._choices(keyword.value)
            if keyword.arg == "error_messages" and isinstance(keyword.value, ast.Dict):
                self._strings_in(keyword.value)
        self.generic_visit(node)

    def _choices(self, node: ast.AST) -> None:
        if isinstance(node, (ast.List, ast.Tuple)):
            for element in node.elts:
                if isinstance(element, ast.Tuple) and len(element.elts) == 2:
                    self._strings_in(element.elts[1])


def _call_name(node: ast.Call) -> str:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return ""


def _receiver(node: ast.Call) -> str:
    if isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name):
        return node.func.value.id
    return ""


def lint_python(relative: str) -> list[Finding]:
    source = (ROOT / relative).read_text(encoding="utf-8")
    visitor = _PythonLint(relative, source.splitlines())
    visitor.visit(ast.parse(source))
    return visitor.findings


def lint(paths: list[str] | None = None) -> list[Finding]:
    files = [f for area_files in source_files().values() for f in area_files]
    if paths:
        files = [f for f in files if any(f == p or f.startswith(p.rstrip("/") + "/") for p in paths)]
    findings: list[Finding] = []
    for relative in files:
        if relative.endswith(".py"):
            findings += lint_python(relative)
        else:
            findings += lint_template(relative)
    return findings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("extract", "status", "compile"):
        sub.add_parser(name).add_argument("areas", nargs="*")
    missing = sub.add_parser("missing")
    missing.add_argument("area")
    missing.add_argument("language")
    applying = sub.add_parser("apply")
    applying.add_argument("area")
    applying.add_argument("file", type=Path)
    sub.add_parser("lint").add_argument("paths", nargs="*")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorhub.settings")
    if args.command in ("extract", "status", "compile"):
        areas = args.areas or list(AREAS)
        unknown = set(areas) - set(AREAS)
        if unknown:
            parser.error(f"unknown areas: {', '.join(sorted(unknown))} (known: {', '.join(AREAS)})")
        if args.command == "extract":
            extract(areas)
        elif args.command == "compile":
            compile_areas(areas)
        else:
            for gap in gaps(areas):
                print(f"{gap.area:13} {gap.language}: {len(gap.missing)} missing, {len(gap.fuzzy)} fuzzy")
    elif args.command == "missing":
        gap = next((g for g in gaps([args.area]) if g.language == args.language), None)
        print(json.dumps((gap.missing + gap.fuzzy) if gap else [], ensure_ascii=False, indent=1))
    elif args.command == "apply":
        apply(args.area, args.file)
    else:
        import django

        django.setup()
        findings = lint(args.paths)
        for finding in findings:
            print(finding)
        print(f"{len(findings)} texts outside translation calls", file=sys.stderr)
        return 1 if findings else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
