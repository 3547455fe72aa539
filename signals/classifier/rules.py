"""Admin-editable phrase rules: the seed table's keyword approach, made explicit.

A rule is a case-insensitive regular expression plus what a match is evidence for.
Matches are added to the statistical model's log-odds (see model.py), so a rule
nudges a decision rather than overriding it, and every rule that fired is reported
in ``matched_rules`` so a reviewer can see why a message was flagged.

Rule kinds:

- ``signal``: evidence for ``signal_type``.
- ``conflict``: evidence for ``conflict`` (reduce / downgrade / cancel / alternatives).
- ``negation``: evidence *against* a signal, scoped to the sentence it matches in.
  With ``signal_type`` set it only suppresses that type (e.g. "on a scale of 1 to
  10" suppresses ``scale``); with ``conflict`` set it only suppresses that conflict
  (e.g. "downgrade Chrome"); with neither it cancels the signal rules of its
  sentence and pushes the message towards ``none`` ("we don't need more ...").
- ``buying_cue`` / ``curious_cue``: evidence for the intent of a detected signal.

``weight`` is in "rule units": 1.0 is a typical rule and moves the log-odds by
RULE_LOGIT_SCALE (about x20 on the odds); 0.5 is a hint, 2.0 is close to decisive.
Rules for the same label in the same sentence do not add up (the strongest counts),
because they usually match the same phrase; intent cues do add up.
"""

from __future__ import annotations

import importlib
import logging
import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat
from operator import floordiv
from types import ModuleType
from typing import Any

from .labels import CONFLICT_LABELS, CONFLICTS, RULE_KINDS, SIGNAL_TYPES, TYPE_LABELS

logger = logging.getLogger(__name__)

# One rule unit in log-odds. 3.0 means a single typical rule can overturn a model
# that is ~90% sure of something else, but two weak rules cannot beat a confident model.
RULE_LOGIT_SCALE = 3.0


@dataclass(frozen=True)
class PhraseRuleSpec:
    name: str  # stable id shown in admin/UI
    pattern: str  # case-insensitive regular expression
    kind: str  # "signal" | "conflict" | "negation" | "buying_cue" | "curious_cue"
    signal_type: str = ""  # for kind == "signal" (and optionally "negation")
    conflict: str = ""  # for kind == "conflict" (and optionally "negation")
    weight: float = 1.0  # how strongly it pulls toward its label


@dataclass(frozen=True)
class CompiledRule:
    spec: PhraseRuleSpec
    regex: re.Pattern[str]
    # Lower-case literals of which at least one must occur in any text the regex
    # matches (None: no such set could be derived). Checking them with `in` is far
    # cheaper than running the regex, so most rules are skipped on most texts.
    triggers: tuple[str, ...] | None = None

    def search_all(self, text: str, lowered: str) -> list[int]:
        """Start offsets of all matches; `lowered` is text.lower(), shared across rules."""
        if self.triggers is not None and not any(t in lowered for t in self.triggers):
            return []
        return [m.start() for m in self.regex.finditer(text)]


def validate_phrase_rule(spec: PhraseRuleSpec) -> list[str]:
    """Return human-readable problems with a rule (empty list when valid).

    Meant for the admin form's clean(): the classifier itself skips invalid rules
    with a warning instead of failing every classification because of one bad row.
    """
    errors: list[str] = []
    if not spec.name.strip():
        errors.append("name is required")
    if spec.kind not in RULE_KINDS:
        errors.append(f"kind must be one of {', '.join(RULE_KINDS)}")
    if spec.kind == "signal" and spec.signal_type not in SIGNAL_TYPES:
        errors.append(f"a signal rule needs signal_type in {', '.join(SIGNAL_TYPES)}")
    if spec.kind == "conflict" and spec.conflict not in CONFLICTS:
        errors.append(f"a conflict rule needs conflict in {', '.join(CONFLICTS)}")
    if spec.kind == "negation":
        if spec.signal_type and spec.signal_type not in SIGNAL_TYPES:
            errors.append(f"signal_type must be empty or one of {', '.join(SIGNAL_TYPES)}")
        if spec.conflict and spec.conflict not in CONFLICTS:
            errors.append(f"conflict must be empty or one of {', '.join(CONFLICTS)}")
        if spec.signal_type and spec.conflict:
            errors.append("a negation suppresses either a signal_type or a conflict, not both")
    if not 0.0 <= spec.weight <= 10.0:
        errors.append("weight must be between 0 and 10")
    try:
        _compile(spec.pattern)
    except re.error as exc:
        errors.append(f"invalid regular expression: {exc}")
    return errors


@lru_cache(maxsize=2048)
def _compile(pattern: str) -> re.Pattern[str]:
    """Compile once per distinct pattern; admin tables are small, so a cache is enough."""
    return re.compile(pattern, re.IGNORECASE)


@lru_cache(maxsize=32)
def compile_rules(rules: tuple[PhraseRuleSpec, ...]) -> tuple[CompiledRule, ...]:
    """Compile valid rules, logging and skipping any that are not.

    Cached per rule table (specs are frozen, so a table is hashable): callers that
    classify one message at a time don't re-validate ~90 rules per message.
    """
    compiled: list[CompiledRule] = []
    for spec in rules:
        problems = validate_phrase_rule(spec)
        if problems:
            logger.warning("phrase rule %r skipped: %s", spec.name, "; ".join(problems))
            continue
        compiled.append(CompiledRule(spec, _compile(spec.pattern), required_literals(spec.pattern)))
    return tuple(compiled)


# Clause boundaries: sentence punctuation followed by a space, a dash, "but"/"however",
# ", and" (which usually joins two separate requests), ", so" (a cause, then the ask:
# "the upgrade in January went well, so now we'd like the audit add-on"), and the
# joints where a problem and a need meet in one sentence ("... because we've run out
# of licences, we need 5 more", "the export fails since we hit the cap, can we raise
# it"). Rules match inside one clause; the joining word starts the next clause. Since round
# 12 also "and" before a request verb ("drop us to 25 users and | add the SMS add-on"), so a
# conflict keeps to its half; without a conflict the halves are read as one clause again
# (model._and_joined_without_conflict).
_JOINING_WORDS = r"(?:because|since|as soon as|once|when|until|although|though|whereas|while) "
_NEW_SUBJECT = r"(?:we|i|can|could|would|please|pls|they|our|is|are|do|does|what|how|which|if)\b"
# Every alternative starts with a literal character, so the regex engine skips
# straight to the candidate positions (texts are normalised: single spaces).
CLAUSE_BREAK_RE = re.compile(
    r"\.[.!?;]* |![.!?;]* |\?[.!?;]* |;[.!?;]* "
    r"| - | but | however,? "
    rf"|, (?:and |so |but |however,? |(?={_JOINING_WORDS})|(?={_NEW_SUBJECT}))"
    rf"| (?={_JOINING_WORDS})"
    # not after an auxiliary: "why would | we need more storage" is one question, not a need
    r"| (?=(?:we|i)(?:'d| would) like |(?:we|i) (?:need|want) )"
    r"(?<!\bwould )(?<!\bshould )(?<!\bcould )(?<!\bdo )(?<!\bdid )(?<!\bwill )(?<!\bdoes )"
    r"| (?P<and_request>and )(?=(?:also |then )?(?:add|include|buy|order|increase|raise|bump|extend|upgrade)\b)",
    re.IGNORECASE,
)
_WORD_RE = re.compile(r"[a-z0-9]+")
_WORD_MEMO_LIMIT = 100_000  # distinct words remembered per rule table (flat memory)
_CLAUSE_MEMO_LIMIT = 50_000  # distinct clauses remembered per rule table
_MAX_GROUPS = 3  # piece groups used per alternative: the most selective ones
_MAX_ALTERNATIVES = 16
_ALT_SPAN = _MAX_ALTERNATIVES + 1  # packs (rule, alternative) into one int


def clause_starts(text: str) -> list[int]:
    """Start offsets of the clauses that rules match in and negations are scoped to."""
    return [0] + [m.end() for m in CLAUSE_BREAK_RE.finditer(text) if m.end() < len(text)]


def and_request_clauses(text: str) -> list[int]:
    """Numbers (as in clause_starts) of the clauses that start at an "and" + request verb break,
    in order: the second half of "drop us to 25 users and | add the SMS add-on"."""
    found: list[int] = []
    number = 0
    for m in CLAUSE_BREAK_RE.finditer(text):
        if m.end() < len(text):
            number += 1
            if m.group("and_request"):
                found.append(number)
    return found


@dataclass(frozen=True)
class IndexedRule:
    spec: PhraseRuleSpec
    regex: re.Pattern[str]
    strength: float  # weight in log-odds
    type_index: int  # position of signal_type on the type axis (-1: none)
    conflict_index: int  # position of conflict on the conflict axis (-1: none)
    # Alternatives of groups of word pieces; every match has one piece of each group of
    # one alternative (empty: always run).
    pieces: tuple[tuple[tuple[str, ...], ...], ...]
    whole_text: bool  # anchored (^, $): runs on the whole text, not clause by clause
    # A clause rule whose regex is a top-level alternation "a|b|c", one entry per branch:
    # the branch's own regex and its word pieces (derived without assuming the pattern's
    # ends are word edges, so they never rule out a clause the branch matches). The rule
    # matches a clause exactly when one of its branches does, and a branch runs only when
    # its pieces are in the clause: a clause usually wakes one short branch of a rule, not
    # the whole 50-branch regex. Empty: the rule's regex runs as it is.
    branches: tuple[tuple[re.Pattern[str], tuple[tuple[tuple[str, ...], ...], ...]], ...] = ()


class RuleIndex:
    """A rule table ready to run clause by clause, with a word-piece prefilter.

    Each rule carries word pieces (from its regex's required literals) of which one
    must occur inside a word of any clause it matches. For each distinct word the
    index remembers which rules it can wake, so a clause runs only the regexes whose
    pieces it contains: usually a handful of ~130. Exact: a rule is skipped only
    when it cannot match.

    Split rules (IndexedRule.branches) are indexed twice: the rule's own pieces decide
    whether it may run at all, exactly as before; its branches' pieces (keys numbered
    after the rules', as "owners" len(rules) + branch) decide which branches run.
    """

    def __init__(self, rules: tuple[IndexedRule, ...]) -> None:
        self.rules = rules
        self._always = frozenset(n for n, r in enumerate(rules) if not r.pieces and not r.whole_text)
        self._whole_text = tuple(n for n, r in enumerate(rules) if r.whole_text)
        self._whole_set = frozenset(self._whole_text)
        # key = (rule, alternative, group) packed in one int; _needed[(rule, alternative)]
        # is how many groups that alternative has.
        self._needed: dict[int, int] = {}
        pieces: dict[str, list[int]] = {}
        owners: list[tuple[tuple[tuple[str, ...], ...], ...]] = [rule.pieces for rule in rules]
        # Split rules: each branch's owner number -> (rule, branch regex); branches without
        # pieces run whenever their rule is a candidate.
        self._branch_rules = frozenset(n for n, rule in enumerate(rules) if rule.branches)
        self._branch_of: dict[int, tuple[int, re.Pattern[str]]] = {}
        self._unconditional_branches: dict[int, tuple[re.Pattern[str], ...]] = {}
        self._non_ascii_branches: dict[int, tuple[re.Pattern[str], ...]] = {}
        for n, rule in enumerate(rules):
            for regex, branch_pieces in rule.branches:
                if branch_pieces:
                    self._branch_of[len(owners)] = (n, regex)
                    owners.append(branch_pieces)
                elif needs_non_ascii(regex.pattern):
                    # Japanese branches have no [a-z0-9] piece, but cannot match an ASCII clause.
                    self._non_ascii_branches[n] = (*self._non_ascii_branches.get(n, ()), regex)
                else:
                    self._unconditional_branches[n] = (*self._unconditional_branches.get(n, ()), regex)
        # Whole-text rules run over the whole text (their matches may cross clauses), so they
        # are not split; but when every branch of one has pieces, the rule runs only if one
        # branch has all its pieces somewhere in the text: rule -> those branches' owners.
        self._whole_gates: dict[int, frozenset[int]] = {}
        for n in self._whole_text:
            branches = split_alternatives(rules[n].spec.pattern)
            gate_pieces = [required_pieces(b, edges_are_word_edges=False) for b in branches]
            if len(branches) > 1 and all(gate_pieces):
                self._whole_gates[n] = frozenset(range(len(owners), len(owners) + len(branches)))
                owners.extend(gate_pieces)
        whole_owners = self._whole_set.union(*self._whole_gates.values())
        for n, owner_pieces in enumerate(owners):
            for a, groups in enumerate(owner_pieces):
                self._needed[n * _ALT_SPAN + a] = len(groups)
                for g, alternatives in enumerate(groups):
                    for piece in alternatives:
                        pieces.setdefault(piece, []).append((n * _ALT_SPAN + a) * _MAX_GROUPS + g)
        # Piece keys that belong to whole-text rules: the only ones a clause needs to remember.
        self._whole_keys = frozenset(
            k for keys in pieces.values() for k in keys if k // (_ALT_SPAN * _MAX_GROUPS) in whole_owners
        )
        # Pieces by how they sit in a word, so a new word is looked up, not scanned.
        self._exact: dict[str, list[int]] = {}
        self._prefix: dict[str, list[int]] = {}
        self._suffix: dict[str, list[int]] = {}
        self._inside: list[tuple[str, list[int]]] = []
        for piece, keys in pieces.items():
            starts, ends = piece.startswith("^"), piece.endswith("$")
            bare = piece.strip("^$")
            if starts and ends:
                self._exact.setdefault(bare, []).extend(keys)
            elif starts:
                self._prefix.setdefault(bare, []).extend(keys)
            elif ends:
                self._suffix.setdefault(bare, []).extend(keys)
            else:
                self._inside.append((bare, keys))
        self._memo: dict[str, frozenset[int]] = {}
        # Clauses recur (greetings, signatures, quoted replies, templates): the rules
        # that matched one are remembered, with its satisfied piece keys.
        self._clauses: dict[str, tuple[tuple[int, ...], frozenset[int]]] = {}

    def _groups_in(self, word: str) -> frozenset[int]:
        """(rule, group) keys whose group has a piece inside this word (remembered)."""
        keys = self._memo.get(word)
        if keys is None:
            if len(self._memo) > _WORD_MEMO_LIMIT:
                self._memo.clear()
            found = list(self._exact.get(word, ()))
            prefix, suffix = self._prefix, self._suffix
            for length in range(1, len(word) + 1):
                found += prefix.get(word[:length], ())
                found += suffix.get(word[-length:], ())
            found += (k for piece, ks in self._inside if piece in word for k in ks)
            keys = frozenset(found)
            self._memo[word] = keys
        return keys

    def _satisfied(self, clause: str) -> set[int]:
        memo, groups_in = self._memo, self._groups_in
        words = set(_WORD_RE.findall(clause.lower()))
        return set().union(*[memo[word] if word in memo else groups_in(word) for word in words])

    def _complete(self, satisfied: set[int]) -> set[int]:
        """Owners (rules, then branches) one of whose alternatives has all its piece groups satisfied."""
        counts = Counter(map(floordiv, satisfied, repeat(_MAX_GROUPS)))
        needed = self._needed
        return {a // _ALT_SPAN for a, count in counts.items() if count == needed[a]}

    def candidates(self, clause: str) -> set[int]:
        """Clause rules that may match in this clause (the others cannot)."""
        n_rules = len(self.rules)
        return {n for n in self._complete(self._satisfied(clause)) if n < n_rules} - self._whole_set | self._always

    def _clause_matches(self, clause: str, satisfied: set[int]) -> tuple[int, ...]:
        """Clause rules that match: candidates by their own pieces, split ones by a branch that matches."""
        n_rules = len(self.rules)
        complete = self._complete(satisfied)
        candidates = {n for n in complete if n < n_rules} - self._whole_set | self._always
        rules, split = self.rules, self._branch_rules
        matched = {n for n in candidates if n not in split and rules[n].regex.search(clause)}
        branch_of = self._branch_of
        for owner in complete:
            branch = branch_of.get(owner)  # None: a rule, or a whole-text rule's gate
            if branch is not None:
                n, regex = branch
                if n in candidates and n not in matched and regex.search(clause):
                    matched.add(n)
        unconditional = [self._unconditional_branches]
        if not clause.isascii():
            unconditional.append(self._non_ascii_branches)
        for branches in unconditional:
            for n, regexes in branches.items():
                if n in candidates and n not in matched and any(regex.search(clause) for regex in regexes):
                    matched.add(n)
        return tuple(matched)

    def hits(self, text: str) -> list[tuple[int, int]]:
        """(rule number, clause number) of every rule that matches, in rule-table order."""
        starts = clause_starts(text)
        ends = starts[1:] + [len(text)]
        rules = self.rules
        found: list[tuple[int, int]] = []
        everywhere: set[int] = set()
        cache = self._clauses
        for clause_number, (start, end) in enumerate(zip(starts, ends, strict=True)):
            clause = text[start:end]
            known = cache.get(clause)
            if known is None:
                satisfied = self._satisfied(clause)
                matched = self._clause_matches(clause, satisfied)
                if len(cache) > _CLAUSE_MEMO_LIMIT:
                    cache.clear()
                known = cache[clause] = (matched, self._whole_keys.intersection(satisfied))
            if known[0]:  # most clauses match no rule
                found.extend([(n, clause_number) for n in known[0]])
            if known[1]:
                everywhere |= known[1]
        possible = self._complete(everywhere)
        for n in self._whole_text:
            gate = self._whole_gates.get(n)
            if (n in possible or not rules[n].pieces) and (gate is None or not gate.isdisjoint(possible)):
                clauses = {bisect_right(starts, m.start()) - 1 for m in rules[n].regex.finditer(text)}
                found.extend((n, c) for c in clauses)
        found.sort()
        return found


@lru_cache(maxsize=32)
def rule_index(rules: tuple[PhraseRuleSpec, ...]) -> RuleIndex:
    """The valid rules of a table, indexed for clause-by-clause matching (cached per table)."""
    indexed: list[IndexedRule] = []
    for compiled in compile_rules(rules):
        spec = compiled.spec
        pieces = required_pieces(spec.pattern)
        whole_text = is_anchored(spec.pattern)
        branches = () if whole_text else split_alternatives(spec.pattern)
        indexed.append(
            IndexedRule(
                spec=spec,
                regex=compiled.regex,
                strength=float(spec.weight) * RULE_LOGIT_SCALE,
                type_index=TYPE_LABELS.index(spec.signal_type) if spec.signal_type else -1,
                conflict_index=CONFLICT_LABELS.index(spec.conflict) if spec.conflict else -1,
                pieces=pieces,
                whole_text=whole_text,
                branches=tuple((_compile(b), required_pieces(b, edges_are_word_edges=False)) for b in branches)
                if len(branches) > 1
                else (),
            )
        )
    return RuleIndex(tuple(indexed))


# Word pieces so common that requiring them filters out almost nothing.
# fmt: off
_COMMON_PIECES = frozenset((
    "a", "an", "the", "to", "for", "of", "in", "on", "at", "by", "we", "i", "you", "your", "our",
    "us", "it", "is", "are", "be", "can", "do", "does", "with", "from", "and", "or", "not", "no",
    "this", "that", "there", "ing", "s", "ll", "ve", "re", "d", "t",
))
# fmt: on


_UNSPLITTABLE_RE = re.compile(r"\(\?[aiLmsux-]|\(\?P=|\(\?\(|\\[1-9]|\\g<")


def split_alternatives(pattern: str) -> list[str]:
    """The top-level branches of a regex: "a|b(?:c|d)|[|]e" -> ["a", "b(?:c|d)", "[|]e"].

    A search for the whole regex finds a match exactly when one of its branches does.
    [pattern] when splitting could change that: inline flags, group references.
    """
    if _UNSPLITTABLE_RE.search(pattern):
        return [pattern]
    branches: list[str] = []
    depth = start = i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":  # a class: "|" and parentheses inside it are literal
            i += 1
            if i < len(pattern) and pattern[i] == "^":
                i += 1
            if i < len(pattern) and pattern[i] == "]":
                i += 1
            while i < len(pattern) and pattern[i] != "]":
                i += 2 if pattern[i] == "\\" else 1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            branches.append(pattern[start:i])
            start = i + 1
        i += 1
    branches.append(pattern[start:])
    try:
        for branch in branches:
            _compile(branch)
    except re.error:
        return [pattern]
    return branches


@lru_cache(maxsize=4096)
def required_pieces(pattern: str, edges_are_word_edges: bool = True) -> tuple[tuple[tuple[str, ...], ...], ...]:
    """Alternatives of groups of word pieces: every match satisfies one alternative,
    i.e. contains one piece of each of its groups.

    A "piece" is a run of [a-z0-9] taken from a literal of the regex, so in any
    matched text it lies inside one word; "^" / "$" mark a piece that must start /
    end its word (a \b, a space or punctuation next to it in the regex). Derived
    from the parse tree like required_literals; a top-level alternation ("a|b|c")
    gives one alternative per branch, each keeping up to _MAX_GROUPS of its
    requirements, the most selective first. Returns () when nothing can be
    derived: the rule then always runs.

    edges_are_word_edges=True (a rule's own pieces) treats the pattern's first and last
    literal as starting / ending a word although a search may match inside words; the
    default rules are written so (a \b at both ends) that this is exact. buying.date lacked
    its closing \b until round 9 and was skipped on "on Mondays" while its regex matched;
    branches of split rules use False.
    """
    try:
        _constants, _parser = _regex_internals()

        items = list(_parser.parse(pattern, re.IGNORECASE))
        while len(items) == 1 and items[0][0] is _constants.SUBPATTERN:
            items = list(items[0][1][-1])
        items = _distribute(items, _constants)
        if len(items) == 1 and items[0][0] is _constants.BRANCH:
            branches = [list(b) for b in items[0][1][1]]
        else:
            branches = [items]
        alternatives = []
        for branch in branches:
            groups = _piece_groups(branch, _constants, edges_are_word_edges, edges_are_word_edges)
            if not groups:
                return ()
            groups.sort(key=_selectivity, reverse=True)
            alternatives.append(tuple(tuple(sorted(g)) for g in groups[:_MAX_GROUPS]))
    except Exception:  # noqa: BLE001 - any surprise just disables the shortcut
        return ()
    if len(alternatives) > _MAX_ALTERNATIVES:
        # Too many branches to index one by one: one group of their best pieces.
        best = frozenset(p for alternative in alternatives for p in alternative[0])
        return ((tuple(sorted(best)),),)
    return tuple(alternatives)


def _selectivity(group: frozenset[str]) -> tuple[int, int]:
    def score(piece: str) -> int:
        bare = piece.strip("^$")
        if bare in _COMMON_PIECES:
            return 0
        return len(bare) + 2 * piece.startswith("^") + 2 * piece.endswith("$")

    return min(score(p) for p in group), -len(group)


@lru_cache(maxsize=4096)
def needs_non_ascii(pattern: str) -> bool:
    """True when every match of `pattern` (case-insensitive) contains a non-ASCII character.

    From the parse tree: a sequence needs one when one of its items does, an alternation
    when all its branches do, a repeat when its body does and it occurs at least once; a
    literal when no ASCII character matches it case-insensitively (not so for the Kelvin
    sign or the long s). False when in doubt (the branch then runs on every clause).
    """
    try:
        constants, parser = _regex_internals()
        return _items_need_non_ascii(list(parser.parse(pattern, re.IGNORECASE)), constants)
    except Exception:  # noqa: BLE001 - any surprise just disables the shortcut
        return False


def _items_need_non_ascii(items: list, c: Any) -> bool:
    return any(_item_needs_non_ascii(op, arg, c) for op, arg in items)


def _item_needs_non_ascii(op: Any, arg: Any, c: Any) -> bool:
    if op is c.LITERAL:
        return arg > 127 and not any(re.fullmatch(re.escape(chr(arg)), chr(a), re.IGNORECASE) for a in range(128))
    if op is c.SUBPATTERN:
        return _items_need_non_ascii(list(arg[-1]), c)
    if op is c.BRANCH:
        return all(_items_need_non_ascii(list(branch), c) for branch in arg[1])
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
        low, _high, body = arg
        return low >= 1 and _items_need_non_ascii(list(body), c)
    return False


def is_anchored(pattern: str) -> bool:
    """True when the pattern has a start or end anchor (^, $, \\A, \\Z) outside a character class.

    Such a rule runs over the whole text instead of clause by clause (an anchor means the
    text's start or end, not a clause's). Read from the parse tree, so "[$£€]" or "[^a]"
    is no anchor: two rules with a currency sign in a class ran over the whole text of
    every message their words appeared in, a quarter of the rule pass (session 10).
    True when in doubt.
    """
    try:
        constants, parser = _regex_internals()
        anchors = {constants.AT_BEGINNING, constants.AT_BEGINNING_STRING, constants.AT_END, constants.AT_END_STRING}
        return _has_anchor(parser.parse(pattern, re.IGNORECASE), constants, anchors, parser.SubPattern)
    except Exception:  # noqa: BLE001 - in doubt, the rule runs over the whole text as before
        return True


def _has_anchor(node: Any, c: Any, anchors: set[Any], subpattern: Any) -> bool:
    if isinstance(node, subpattern):
        return any(
            (op is c.AT and arg in anchors) or (op is not c.AT and _has_anchor(arg, c, anchors, subpattern))
            for op, arg in node
        )
    if isinstance(node, (list, tuple)):
        return any(_has_anchor(item, c, anchors, subpattern) for item in node)
    return False


def _regex_internals() -> tuple[ModuleType, ModuleType]:
    """re's private parser and its constants (callers guard: they may change or go).
    Imported by name, so that type checking does not depend on typeshed, which omits them."""
    return importlib.import_module("re._constants"), importlib.import_module("re._parser")


def _is_alnum(ch: str) -> bool:
    return ("a" <= ch <= "z") or ("0" <= ch <= "9")


def _edge(item: tuple | None, c: Any, side: str) -> bool:
    """True when item (next to a literal, on `side` of it) guarantees a non-[a-z0-9] char or an end."""
    if item is None:
        return False
    op, arg = item
    if op is c.AT:
        return True  # \b, ^, $, \A, \Z: a word edge (or no neighbour at all)
    if op is c.LITERAL:
        return not _is_alnum(chr(arg).lower())
    if op is c.IN:
        for kind, value in arg:
            if kind is c.CATEGORY and value in (c.CATEGORY_SPACE, c.CATEGORY_NOT_WORD):
                continue
            if kind is c.LITERAL and not _is_alnum(chr(value).lower()):
                continue
            return False
        return True
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
        low, _high, body = arg
        body = list(body)
        return low >= 1 and bool(body) and _edge(body[0 if side == "right" else -1], c, side)
    if op is c.SUBPATTERN:
        body = list(arg[-1])
        return bool(body) and _edge(body[0 if side == "right" else -1], c, side)
    return False


def _distribute(items: list, c: Any) -> list:
    """Undo the parser's prefix factoring: "b(?:y|efore)" back to "(?:by|before)"."""
    out: list = []
    for op, arg in items:
        if op is c.BRANCH and out and out[-1][0] is c.LITERAL:
            run: list = []
            while out and out[-1][0] is c.LITERAL:
                run.insert(0, out.pop())
            out.append((op, (arg[0], [run + list(branch) for branch in arg[1]])))
        else:
            out.append((op, arg))
    return out


def _piece_groups(items: list, c: Any, left: bool, right: bool) -> list[frozenset[str]]:
    """Every requirement of a sequence: literal runs and required sub-items."""
    items = _distribute(items, c)
    groups: list[frozenset[str]] = []
    run: list[str] = []
    run_start = 0

    def neighbour(index: int) -> tuple | None:
        return items[index] if 0 <= index < len(items) else None

    def close_run(end: int) -> None:
        if not run:
            return
        text = "".join(run)
        starts_word = left if run_start == 0 else _edge(neighbour(run_start - 1), c, "left")
        ends_word = right if end == len(items) else _edge(neighbour(end), c, "right")
        best = ""
        for m in _WORD_RE.finditer(text):
            piece = m.group()
            if m.start() > 0 or starts_word:
                piece = "^" + piece
            if m.end() < len(text) or ends_word:
                piece += "$"
            if _selectivity(frozenset({piece})) > _selectivity(frozenset({best or "a"})):
                best = piece
        if best:
            groups.append(frozenset({best}))
        run.clear()

    for index, (op, arg) in enumerate(items):
        if op is c.LITERAL:
            if not run:
                run_start = index
            run.append(chr(arg).lower())
            continue
        close_run(index)
        inner_left = left if index == 0 else _edge(neighbour(index - 1), c, "left")
        inner_right = right if index == len(items) - 1 else _edge(neighbour(index + 1), c, "right")
        if op is c.SUBPATTERN:
            groups.extend(_piece_groups(list(arg[-1]), c, inner_left, inner_right))
        elif op is c.BRANCH:
            branches = [_piece_groups(list(b), c, inner_left, inner_right) for b in arg[1]]
            if all(branches):
                best = [max(b, key=_selectivity) for b in branches]
                groups.append(frozenset().union(*best))
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
            low, high, body = arg
            if low >= 1:
                # A repeated body's neighbours are itself, unless it occurs once.
                once = high == 1
                groups.extend(_piece_groups(list(body), c, inner_left and once, inner_right and once))
    close_run(len(items))
    return groups


_MIN_TRIGGER_LENGTH = 3


@lru_cache(maxsize=2048)
def required_literals(pattern: str) -> tuple[str, ...] | None:
    """Literals (lower case) one of which every match of `pattern` must contain.

    Derived from the regex parse tree: a sequence needs its most selective
    requirement, an alternation needs one of its branches' requirements, a
    repeat needs its body's only if it occurs at least once. Returns None when
    no requirement of at least _MIN_TRIGGER_LENGTH characters exists, or if the
    parser is unavailable; the rule then always runs its regex, so results never
    depend on this optimisation.
    """
    try:
        _constants, _parser = _regex_internals()

        parsed = _parser.parse(pattern, re.IGNORECASE)
        found = _sequence_requirement(list(parsed), _constants)
    except Exception:  # noqa: BLE001 - any surprise just disables the shortcut
        return None
    return tuple(sorted(found)) if found else None


def _sequence_requirement(items: list, c: Any) -> frozenset[str] | None:
    """Best requirement of a sequence of parsed regex items (see required_literals)."""
    candidates: list[frozenset[str]] = []
    run: list[str] = []
    for op, arg in items:
        if op is c.LITERAL:
            run.append(chr(arg).lower())
            continue
        if len(run) >= _MIN_TRIGGER_LENGTH:
            candidates.append(frozenset({"".join(run)}))
        run = []
        requirement = _item_requirement(op, arg, c)
        if requirement:
            candidates.append(requirement)
    if len(run) >= _MIN_TRIGGER_LENGTH:
        candidates.append(frozenset({"".join(run)}))
    if not candidates:
        return None
    # Prefer the requirement whose shortest literal is longest (most selective), then fewer literals.
    return max(candidates, key=lambda lits: (min(len(x) for x in lits), -len(lits)))


def _item_requirement(op: Any, arg: Any, c: Any) -> frozenset[str] | None:
    """Requirement of one parsed item: group, alternation or repeat; None otherwise."""
    if op is c.SUBPATTERN:
        return _sequence_requirement(list(arg[-1]), c)
    if op is c.BRANCH:
        branches = [_sequence_requirement(list(branch), c) for branch in arg[1]]
        found = [branch for branch in branches if branch is not None]
        if len(found) < len(branches):
            return None
        return frozenset().union(*found)
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
        low, _high, body = arg
        return _sequence_requirement(list(body), c) if low >= 1 else None
    return None


# Round 10: requests to shrink or stop, which signal rules read as needs.
# a part of the product being removed: "drop premium support", "discontinue the fraud screening add on"
_PART = r"(?:add[- ]?ons?|modules?|products?|packs?|packages?|premium support|support package|bundles?|connectors?|integrations?)"
_REMOVE_VERB = (
    r"(?:remov\w*|drop(?:s|ped|ping)?|cancel\w*|discontinu\w*|unsubscrib\w*|deactivat\w*|terminat\w*"
    r"|turn(?:ing)? off|switch(?:ing)? off|get(?:ting)? rid of"
    # "end" and "stop" only before what they end: not "end-to-end encryption", "stop by"
    r"|(?:end|ending|stop|stopping)(?= (?:the|our|paying for|using) ))"
)
_PART_REMOVED = rf"(?<![\w-]){_REMOVE_VERB}\s+(?:from\s+)?(?:paying for\s+|using\s+)?(?:the\s+|our\s+)?(?:[\w-]+\s+){{0,2}}?{_PART}\b"
# "take the screening add-on off", "the e-signature add-on taken off next year's order" (not "off trial")
_OFF = r"off\b(?!\s+(?:trial|beta|the waitlist|hold|pilot|probation))"
_PART_TAKEN_OFF = (
    rf"\b(?:take|taking|taken)\s+(?:the\s+|our\s+)?(?:[\w-]+\s+){{0,3}}?{_PART}\s+{_OFF}"
    rf"|\b{_PART}\s+(?:taken|removed|dropped)\s+{_OFF}"
    # round 12: "strip the translation add-on out of next year's quote"
    rf"|\b(?:strip|stripping|strike|striking)\s+(?:the\s+|our\s+)?(?:[\w-]+\s+){{0,3}}?{_PART}\s+(?:{_OFF}|out\b)"
)
# a count lowered: "cutting from 35 to 22 users", "lower our SMS allowance from 100k to 20k messages"
_COUNTED = (
    r"(?:users?|seats?|licen[cs]es?|logins?|accounts?|contacts?|messages?|sms|texts?|emails?|sends?|credits?|calls?"
    r"|agents?|members?|people|staff|employees|locations?|sites?|projects?|records?|gb|tb)\b"
)
_LOWERED_FROM_TO = (
    r"\b(?:reduc|lower|decreas|cut|trim|drop|shrink)\w*\s+(?:[\w-]+\s+){0,4}?from\s+\d[\d,.]*k?\s+"
    rf"(?:[\w-]+\s+)?(?:down\s+)?to\s+\d[\d,.]*k?\s*(?:[\w-]+\s+)?{_COUNTED}"
)
# a cheaper edition: "a cut-down edition", "move us to the one below", "the more cheap one" ("Lite" is a plan name)
_CHEAPER_EDITION = (
    r"\b(?:cut-down|stripped-down|slimmed-down|cheaper|cheapest|more cheap|less expensive)\s+"
    r"(?:plan|tier|edition|version|package|one)\b"
    r"|\b(?:go|going|move|moving|switch|switching|drop|step|put)\w*\s+(?:us\s+)?(?:down\s+)?to the (?:one|tier|plan|edition) below\b"
)


def _signal(name: str, signal_type: str, pattern: str, weight: float = 1.0) -> PhraseRuleSpec:
    return PhraseRuleSpec(name, pattern, "signal", signal_type=signal_type, weight=weight)


def _conflict(name: str, conflict: str, pattern: str, weight: float = 1.0) -> PhraseRuleSpec:
    return PhraseRuleSpec(name, pattern, "conflict", conflict=conflict, weight=weight)


def _negation(
    name: str, pattern: str, weight: float = 1.0, signal_type: str = "", conflict: str = ""
) -> PhraseRuleSpec:
    return PhraseRuleSpec(name, pattern, "negation", signal_type=signal_type, conflict=conflict, weight=weight)


def _cue(name: str, kind: str, pattern: str, weight: float = 0.5) -> PhraseRuleSpec:
    return PhraseRuleSpec(name, pattern, kind, weight=weight)


# Shared fragments keep the table readable.
_SEAT = r"(?:seats?|licen[cs]es?|users?|logins?|user accounts?|named users)"
_MORE = r"(?:more|additional|extra|another|new)"
_PLAN = r"(?:plans?|tiers?|editions?)"
# Common plan names, split into entry-level and higher tiers; admins rename to their own.
_LOWER_PLAN = r"(?:basic|básico|basico|starter|standard|essentials?|essen[ct]i[ae]l|free|lite|light|team|growth|entry|silver|bronze)"
_HIGHER_PLAN = r"(?:business(?: plus)?|enterprise|premium|premier|professional|pro|plus|ultimate|platinum|elite|corporate|gold|advanced)"
_TOP_PLAN = r"(?:enterprise|premium|ultimate|platinum|elite|corporate)"
_UP_MOVE = (
    rf"\bfrom (?:the\s+)?(?:[\w-]+\s+)?{_LOWER_PLAN}(?:\s+(?:plan|tier|edition|subscription|formula|version|package))?\s+to\s+(?:the\s+)?(?:[\w-]+\s+)?{_HIGHER_PLAN}\b"
    rf"|\bfrom (?:the\s+)?(?:pro|professional|business)(?:\s+plan)?\s+to\s+(?:the\s+)?{_TOP_PLAN}\b"
)
_DOWN_MOVE = (
    rf"\bfrom (?:the\s+)?(?:[\w-]+\s+)?{_HIGHER_PLAN}(?:\s+(?:plan|tier|edition|subscription|formula|version|package))?\s+(?:back\s+)?to\s+(?:the\s+)?(?:[\w-]+\s+)?{_LOWER_PLAN}\b"
    rf"|\bfrom (?:the\s+)?{_TOP_PLAN}(?:\s+(?:plan|tier|edition|formula))?\s+(?:back\s+|down\s+)?to\s+(?:the\s+)?(?:pro|professional|business|plus|advanced|gold|team)\b"
    rf"|\b{_HIGHER_PLAN}\s*(?:->|=>|>|→|⟶)\s*{_LOWER_PLAN}\b|\b{_TOP_PLAN}\s*(?:->|=>|>|→|⟶)\s*(?:pro|professional|business|plus|advanced|gold|team)\b"
    # the lower plan named first: "the standard plan instead of Premier", "off the Pro plan to Starter"
    rf"|\b{_LOWER_PLAN}(?:\s+{_PLAN})?\s+instead of\s+(?:the\s+|our\s+)?{_HIGHER_PLAN}\b"
    rf"|\b(?:pro|professional|business|plus|advanced)(?:\s+{_PLAN})?\s+instead of\s+(?:the\s+|our\s+)?{_TOP_PLAN}\b"
    rf"|\boff (?:the\s+|our\s+)?{_HIGHER_PLAN}(?:\s+{_PLAN})?\s+(?:and\s+)?(?:on)?to\s+(?:the\s+)?{_LOWER_PLAN}\b"
    rf"|\b{_HIGHER_PLAN} back to\b|\b(?:move|switch|go|change|pass)\w*\s+(?:us\s+)?(?:down\s+)?to (?:the\s+)?{_LOWER_PLAN}\b"
)
_MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_DAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"

# fmt: off
# One rule per line reads like the admin table it seeds; keep the formatter out.
_SIGNAL_RULES: tuple[PhraseRuleSpec, ...] = (
    # seats: more people need licences on the product they already have
    _signal("seats.more_seats", "seats", rf"\b(?:more|additional|extra|\d+\s+{_MORE})\s+(?:user\s+)?{_SEAT}\b|\banother\s+\d+\b(?!\s*(?:gb|tb|k\b|m\b|calls|credits|records|contacts|hours))|\badd\s+\d+\s+more\b(?=\s*(?:[.,;!?]|$|so\b|for\b|before\b|by\b|this\b|next\b|on\b|people\b))"),
    _signal("seats.add_seats", "seats", rf"\badd(?:ing)?\s+(?:the\s+|\d+\s+|a few\s+|some\s+|a couple\s+|{_MORE}\s+)*{_SEAT}\b"),
    _signal("seats.increase_count", "seats", r"\b(?:increase|raise|expand|bump|grow|take)\w*\s+(?:our\s+|the\s+)?(?:seat|licen[cs]e|user)\s*(?:count|number|total)?s?\b.{0,20}\b(?:to|by)\s+\d+"),
    _signal("seats.from_to", "seats", rf"\bfrom \d+ to \d+ (?:named\s+)?{_SEAT}\b|\b(?:bump|take|expand|increase|go)\w*\s+(?:us\s+|it\s+)?(?:from \d+\s+)?to \d+ (?:named\s+)?{_SEAT}\b|\b(?:licen[cs]e|seats?)\b.{0,20}\bmaxed out\b|\bmaxed out at \d+ users\b"),
    _signal("seats.user_allowance", "seats", r"\b(?:named[- ]user|user|seat|licen[cs]e)\s+(?:allowance|cap)\b|\bseat (?:utili[sz]ation|usage)\b|\b(?:seats?|licen[cs]es?|users?|logins?)\s+(?:be\s+)?added\b|\bgiv\w+\s+(?:[\w-]+\s+){0,3}?(?:(?:their|a|an)\s+(?:own\s+)?)?(?:logins?|seats?|licen[cs]es?)\b", 0.8),
    _signal("seats.need_login", "seats", r"\bneeds? (?:a |their own |a full )?(?:user )?(?:login|seat|licen[cs]e)s?\b|\b(?:logins?|seats?|licen[cs]es?) for (?:the|our|all|each|them|every)\b", 0.7),
    _signal("seats.seat_count_up", "seats", r"\b(?:increase|raise|expand)\w*\s+(?:our\s+|the\s+)?(?:seat|licen[cs]e|user)\s+(?:count|number)\b"),
    _signal("seats.out_of_seats", "seats", r"\b(?:out of|ran out of|run out of|no more|no|short of|\d+ seats short)\s*(?:seats|licen[cs]es)(?:\s+left)?\b|\bseats short\b"),
    _signal("seats.people_need_access", "seats", r"\b(?:more|new|additional)\s+(?:people|colleagues|hires|staff|employees|team members|starters|interns|agents|reps)\b.{0,50}\b(?:access|logins?|seats?|licen[cs]es?)\b", 0.7),
    # capacity: higher limits on a metered resource
    _signal("capacity.more_storage", "capacity", r"\b(?:more|extra|additional|bigger|larger)\s+(?:[\w-]+\s+)?(?:storage|disk space|space|bandwidth|headroom|capacity|throughput|compute|credits|api calls|calls|requests|request volume|usage|connections|records?|record allowance|contacts|events|rows|hours|minutes|workflows|projects|dashboards|slots)\b|\b(?:more|extra|additional)\s+[\w-]+\s+[\w-]+\s+(?:volume|capacity|allowance)\b"),
    _signal("capacity.upgrade_resource", "capacity", r"\bupgrad\w*\s+(?:our\s+|the\s+)?(?:file\s+)?(?:storage|bandwidth|quota|limits?|api (?:limits?|calls))\b|\b(?:cap|limit|quota)\s+(?:at|to)\s+\d|\bstorage (?:allocation|options|blocks?|tiers?)\b|\bstorage\b.{0,60}\b(?:keeps growing|our options)\b|\bmax(?:es|ed)? out\b"),
    _signal("capacity.raise_limit", "capacity", r"\b(?:increase|raise|lift|bump|double|extend|expand|higher)\w*\s+(?:our\s+|the\s+|this\s+)?(?:[\w-]+\s+){0,3}(?:limits?|caps?|quotas?|allowances?|allocations?|retention)\b"),
    _signal("capacity.limit_raised", "capacity", r"\b(?:limits?|caps?|quotas?|allowances?|ceiling)\b.{0,25}\b(?:raised|increased|lifted|bumped|expanded|extended|doubled|tripled|go higher)\b|\bthrottl\w+ at\b"),
    _signal("capacity.hitting_limit", "capacity", r"\b(?:hit(?:ting)?|reach(?:ing|ed)?|exceed(?:ing|ed)?|maxed out|outgrow\w*|over)\s+(?:our\s+|the\s+)?(?:[\w-]+\s+){0,3}(?:limit|cap|quota|allowance)\b", 0.7),
    _signal("capacity.storage_capacity", "capacity", r"\b(?:storage|disk|api|ingest\w*)\s+(?:capacity|quota|limit)\b"),
    _signal("capacity.storage_amount", "capacity", r"\b\d+(?:\.\d+)?\s*(?:gb|tb)\b|\b(?:quota|allowance|headroom)\b", 0.5),
    # tier_upgrade: a higher plan / edition
    _signal("tier.upgrade_plan", "tier_upgrade", rf"\bupgrad\w*\s+(?:[\w-]+\s+){{0,3}}?(?:to\s+)?(?:the\s+)?(?:[\w-]+\s+)?{_PLAN}\b"),
    _signal("tier.upgrade_to_named", "tier_upgrade", r"\bupgrad\w*\s+(?:\w+\s+){0,2}?(?:to|from \w+ to)\s+(?:the\s+)?(?:enterprise|premium|professional|business|pro|plus|ultimate|advanced|growth|team)\b"),
    _signal("tier.named_plan", "tier_upgrade", rf"\b{_HIGHER_PLAN}[- ]?(?:level\s+)?{_PLAN}\b|\bwhat (?:\w+ )?{_HIGHER_PLAN}\s+(?:offers|includes|adds|gives)\b", 0.7),
    _signal("tier.move_up", "tier_upgrade", rf"\b(?:move|go|going|moving|step)\s+up\s+(?:a|one|to|from)\b|\bnext\s+{_PLAN}|\bnext plan up\b|\bhigher\s+{_PLAN}|\btop tier\b|\bbigger plans?\b|\b(?:plan|tier) above\b|\bnext (?:tier|level) up\b"),
    # round 12: which plan has a feature, a feature only on the higher plans
    _signal("tier.which_plan_has", "tier_upgrade", r"\bwhich (?:plan|tier|edition|package|licen[cs]e|level|subscription)s? (?:has|have|include|includes|offers?|gives?|comes? with|do we need|would we need|unlocks?|supports?)\b|\b(?:every|all) (?:plans?|tiers?|editions?|packages?) or only\b|\bonly (?:on|in|with) (?:the )?(?:higher|bigger|fancier|premium|top|upper|more expensive) (?:ones?|plans?|tiers?|editions?|packages?)\b|\b(?:higher|bigger|upper|fancier|more expensive) (?:packages|formulas)\b", 0.8),
    _signal("tier.compare_plans", "tier_upgrade", rf"\b(?:difference|compare|comparison|differ)\b.{{0,50}}\b{_PLAN}|\b{_PLAN}\s+(?:differ|compare)\b", 0.6),
    _signal("tier.from_lower_to_higher", "tier_upgrade", _UP_MOVE),
    # "We'll upgrade at the start of next month" (the plan named elsewhere); not a software upgrade
    _signal("tier.will_upgrade", "tier_upgrade", r"\b(?:we'?ll|we will|we'?d like to|we want to|time to|ready to)\s+upgrade\b(?!\s+(?:to\s+)?v?\d|\s+(?:the\s+|our\s+)?(?:browser|app|apps|os|firmware|version|agent|client|sdk|library|server|services|database|python|node|java))|\b(?:go|going)\s+(?:premium|enterprise|platinum|ultimate)\b(?!\s+(?:support|services?|account|customers?))", 0.8),
    _signal("capacity.set_to_number", "capacity", r"\b(?:lift|raise|bump|increase|up|take)\s+(?:it|that|this|the (?:limit|cap|ceiling|quota|allowance))\s+to\s+\d", 0.8),
    _signal("seats.true_up", "seats", r"\btrue[- ]?up\b", 0.6),
    _signal("tier.enterprise_upgrade", "tier_upgrade", r"\benterprise upgrade\b|\bupgrade to enterprise\b|\bwhat(?:'s| is) in enterprise\b"),
    # scale: broader deployment, more departments/regions, growth the solution must absorb
    _signal("scale.scale_solution", "scale", r"\bscal(?:e|ing)\s+(?:up\s+)?(?:our|the|this)\s+(?:current\s+)?(?:solution|setup|deployment|platform|usage|system|instance|rollout)\b|\b(?:scale|grows?) with us\b"),
    _signal("scale.roll_out", "scale", r"\b(?:roll(?:ing)?[- ]?out|extend(?:ing)?\s+(?:the\s+)?(?:deployment|platform|rollout)|standardi[sz]e on (?:your|the|this)|adopt(?:ing)?\s+(?:the\s+)?(?:tool|platform|product))\b"),
    # another team of theirs joining: "add our Chicago team to the account", "bring the Lyon office
    # onto the platform" (round 13, a stranger's cases)
    _signal("scale.add_team", "scale", r"\b(?:add(?:ing)?|bring(?:ing)?|onboard(?:ing)?)\s+(?:our|the|my)\s+(?:[\w-]+\s+){0,2}?(?:team|office|department|division|branch|site|subsidiary|folks|colleagues|group|crew)s?(?:\s+(?:in|at|from)\s+[\w-]+)?\s+(?:to|onto|on to|into|on)\s+(?:the|our|your)\s+(?:[\w-]+\s+)?(?:account|platform|system|tool|subscription|workspace|contract|instance)\b"),
    _signal("scale.company_wide", "scale", r"\b(?:company|org|organi[sz]ation|enterprise)[- ]wide\b|\bacross (?:the whole|the entire|all (?:our|of our|the))\b|\bwhole (?:company|org\w*)\b|\bevery (?:region|office|department)\b"),
    _signal("scale.new_units", "scale", r"\b(?:other|new|more|several|multiple|two|three|four|five|\d+)\s+(?:new\s+)?(?:[\w-]+\s+)?(?:departments?|business units?|divisions?|offices|regions|subsidiaries|locations|sites|countries|entit(?:y|ies)|branch(?:es)?|distribution cent(?:er|re)s|warehouses|plants|clinics|hospitals|stores|franchises)\b"),
    _signal("scale.unit_joining", "scale", r"\b(?:offices?|teams?|departments?|division|group|branch|unit|subsidiar\w+)\s+(?:are\s+|is\s+|will\s+be\s+)?(?:joining|coming on board|going live|goes live|starts? using|will (?:start|begin) using|wants? to use)\b|\b(?:use|using) (?:it|the tool|the platform|the product|the same instance) (?:too|as well)\b|\b(?:they|hr|finance|marketing|ops|sales|legal|other teams?|the \w+ (?:team|group))\s+(?:could|can|would|might)\s+(?:also\s+)?use\b", 0.7),
    _signal("scale.growing_fast", "scale", r"\bkeep up with (?:us|our growth)\b|\bas we grow\b|\bscal(?:e|ing) up\b|\bgrowing\s+(?:fast|rapidly|quickly)\b|\bgrow(?:ing)? (?:really )?(?:fast|quickly)\b|\b\d+x\s+(?:the\s+)?(?:volume|traffic|order|users|growth)\b|\bto \d+x\b", 0.8),
    _signal("scale.acquisition", "scale", r"\b(?:acqui(?:red|sition|ring)|merger|merging)\b.{0,80}\b(?:onto|on to|into|on) (?:the|your|our) (?:platform|tool|system|product)\b", 0.8),
    _signal("scale.expand_into", "scale", r"\bexpand\w*\s+(?:in)?to\s+(?:\w+\s+)?(?:apac|emea|europe|latam|asia|americas|canada|new markets?|other (?:regions|countries|markets))\b"),
    # cross_sell: a different product of ours
    _signal("cross.product_line", "cross_sell", r"\b(?:new|newer|other|another|additional)\s+products?(?:\s+lines?)?\b|\bproduct lines?\b|\b(?:other|another) (?:of your )?(?:products|offerings)\b"),
    _signal("cross.your_product", "cross_sell", r"\byour\s+(?:new\s+)?[\w-]+\s+(?:product|offering|app|tool)\b(?!\s+(?:update|release|team|roadmap|docs|documentation))", 0.8),
    _signal("cross.buy_product", "cross_sell", r"\b(?:buy\w*|purchas\w*|add|start using|go ahead with|bundle|take|quote for)\s+(?:the\s+|your\s+)(?:new\s+)?[\w-]+(?:\s+[\w-]+)?\s+(?:product|app|suite|offering)\b"),
    _signal("cross.launched", "cross_sell", r"\b(?:launched|acquired|announced|released|launching)\b.{0,40}\b(?:product|platform|company|offering|app|tool)\b|\bsold separately\b|\b(?:offer|sell|have) anything (?:for|in)\b|\b(?:you|u|you guys|your company)\s+(?:also\s+|even\s+|now\s+)?(?:offer|sell|have|do|got|provide)\s+(?:anything|something|a thing)\s+(?:for|in|to help|that|where|like)\b|\bsomething in that space\b|\bplanning an? [\w-]+ (?:offering|product)\b", 0.8),
    _signal("cross.standalone", "cross_sell", r"\b(?:be )?(?:bought|purchased|licensed) (?:on its own|on their own|separately|standalone|as a standalone)\b", 0.8),  # round 12
    _signal("cross.do_you_sell", "cross_sell", r"\bdo (?:you|u)(?: guys)? (?:also )?(?:sell|offer|have)\b.{0,40}\b(?:product|solution|tool|offering|app)\b|\banything (?:for|in) (?:that|this) space\b|\bin your (?:lineup|portfolio)\b"),
    # add_on: a module / package / add-on for the product they have
    _signal("addon.add_on", "add_on", r"\badd[- ]?ons?\b"),
    # a module asked to be switched on: "we'll need the Projects and Timesheets modules switched on for everyone"
    _signal("addon.switch_on", "add_on", r"\b(?:need|want|like|please|can you|could you)\b[^.?!]{0,60}?\b(?:modules?|add-?ons?|packages?)\s+(?:switched|turned|activated|enabled)(?:\s+on)?\s+(?:for|across|on)\b", 1.5),
    _signal("addon.module", "add_on", r"\b(?:analytics|reporting|security|compliance|audit[- ]?log|forecasting|automation|translation|onboarding|support|branding|hipaa|scoring|residency|multi-currency|currency|offline mode)\s+(?:add[- ]?on|module|package|pack)\b"),
    _signal("addon.premium_support", "add_on", r"\bpremium (?:support|onboarding)\b", 0.7),
    _signal("addon.buy_extra", "add_on", r"\b(?:an? )?(?:extra|add-?on|module|optional (?:part|module|extra))s? (?:i|we) (?:can|could) (?:buy|purchase|add on|get)\b|\boptional parts?\b", 0.8),  # round 12
    _signal("addon.optional_modules", "add_on", r"\b(?:optional|extra) (?:modules|packs|packages)\b|\b(?:a|an|the)\s+(?:[\w-]+\s+){1,3}(?:module|pack)\b|\b(?:add|buy|purchase|enable|switch on|turn on)\b.{0,30}\b(?:module|pack|connector)\b", 0.6),
    # volume_pricing: price per unit at larger volume or longer commitment
    _signal("volume.discount", "volume_pricing", r"\b(?:volume|bulk|multi[- ]?year|quantity|enterprise)\s+(?:discounts?|pricing|price|rates?|deals?|licensing|tiers?)\b"),
    _signal("volume.price_break", "volume_pricing", r"\bprice breaks?\b|\bbreak on the\b|\bpricing bands\b|\btiered (?:pricing|rates)\b|\b(?:discount|discounts|better rate|lower (?:unit |per[- ]\w+ )?price|cheaper rate|per[- ]\w+ price)\b.{0,60}\b(?:commit\w*|volume|more|larger|bigger|big teams|thousands|\d{3,})"),
    _signal("volume.unit_rates", "volume_pricing", r"\bunit (?:rates?|prices?|pricing)\b|\b(?:rates?|pricing|prices?) (?:at|for) \d[\d,.]*\s*(?:k|m)?\b|\bper[- ](?:seat|user|licen[cs]e) (?:rate|price)\b.{0,40}\b(?:\d{3,}|commit\w*|volume)", 0.8),
    _signal("volume.enterprise_agreement", "volume_pricing", r"\benterprise agreement\b|\bvolume\b.{0,20}\bpric\w+|\bpricing for \d[\d,]*"),
    # Phrasings other writers use (non-native English, no trigger words, services as add-ons).
    _signal("capacity.raise_resource", "capacity", r"\b(?:increase|raise|extend|expand|upgrade|top(?:ping)? up|bump|double|enlarge|augment)\w*\s+(?:the\s+|our\s+|my\s+)?(?:[\w-]+\s+){0,2}?(?:storage|credits?|space|disk|bandwidth|api calls|throughput|sends|workspaces|environments|projects|contacts|records|minutes|hours|runs|jobs|hosts|events|messages|mau)\b|\btop(?:ping)?[- ]up\b"),
    _signal("capacity.rate_needed", "capacity", r"\b(?:need|needs|want|require|requires)\b.{0,40}?\b\d[\d,.]*\s*k?\s*(?:req(?:uest)?s?|calls|messages|events)?\s*(?:/|per\s+)(?:min|minute|sec|second|hour|day|month)\b|\bget (?:it )?to \d[\d,.]*\s*k?\s*(?:/|per\s+)(?:min|minute|sec|second|hour)\b", 0.8),
    _signal("capacity.over_the_limit", "capacity", r"\bwhat happens (?:when|once|if|after) (?:we|you|our)\b.{0,40}?\b(?:over|exceed\w*|pass|hit|use up|used up|run out|go beyond|outgrow)\b|\bupper (?:bound|limit)\b|\bhard stop\b|\bhow far can (?:the|your|it)\b|\b(?:bill|charge|invoice)\w* (?:the|for) (?:excess|overage)\b|\boverages?\b|\bbigger pipe\b|\bnext band\b|\bkeep (?:[\w-]+ ){1,2}(?:for )?longer\b|\b(?:lengthen|extend)\w* (?:the )?retention\b", 0.8),
    _signal("tier.move_to_plan", "tier_upgrade", rf"\b(?:pass|passing|move|moving|switch|switching|go|going|change|changing)\s+(?:us\s+|our\s+(?:subscription|account|contract)\s+)?(?:definitively\s+)?(?:from\s+(?:the\s+)?[\w-]+\s+(?:{_PLAN}\s+|formula\s+|version\s+)?)?to\s+(?:the\s+)?{_HIGHER_PLAN}\b|\bupgrad\w* us\b(?!\s+to\s+v?\d)|\b{_LOWER_PLAN}\s*(?:->|=>|>|→|⟶)\s*{_HIGHER_PLAN}\b|\b(?:higher|upper|superior) (?:plans?|tiers?|formulas?|versions?|editions?)\b|\b(?:plan|formula|version|edition) (?:upper|superior|above)\b|\bnext one up\b|\bwe (?:take|want|choose|go for) the {_TOP_PLAN}\b"),
    _signal("tier.price_of_higher_plan", "tier_upgrade", rf"\b(?:pricing|prices?|quote|cost)\s+(?:for|of|on)\s+(?:the\s+|an?\s+)?(?:{_HIGHER_PLAN}|next|higher|bigger|top)\s+{_PLAN}"),
    _signal("tier.plan_as_version", "tier_upgrade", rf"\b{_HIGHER_PLAN}\s+(?:version|formula|edition|package|subscription)\b|\b(?:in|with) the {_TOP_PLAN}\b", 0.7),
    _signal("addon.services", "add_on", r"\b(?:training|onboarding|implementation|consult(?:ancy|ing)|setup|set-up|configuration|migration|adoption)\s+(?:package|packages|service|services|days?|sessions?|pack|hours|programme|program)\b|\b(?:sandbox|test|testing|staging|uat|pre-?production)\s+(?:environment|instance|tenant|workspace|org)s?\b|\b(?:a second|another|an extra|an additional|extra|additional|more) (?:sandbox(?:es)?|staging|uat)\b|\bhands-on workshops?\b|\b(?:integration|connector|extension|plug-?in)s?\s+(?:pack|package|add-?on|module)\b|\b(?:the|a) (?:full|paid|premium|advanced) [\w-]+ (?:integration|connector)\b|\bdedicated (?:support|account manager|csm|success manager)\b|\bpremium (?:[\w/-]+ )?(?:sla|support)\b|\b(?:days?|hours?) of (?:consultancy|consulting|training|professional services|implementation|onboarding)\b|\b(?:health ?check|configuration review|config review)\b|\b(?:anyone|someone|somebody) (?:on your (?:side|end|team)|at your end)\b.{0,30}\b(?:pay|hire|book)\b"),
    # services asked for without the service words: "any chance your people could run a session for
    # our new managers?", "could your consultants do a workshop for our admins?"
    _signal("addon.your_people_run", "add_on", r"\byour (?:people|team|consultants|experts|trainers|specialists|staff|folks|cs team|success team)\s+(?:could |can |would |to |might )?(?:run|do|deliver|give|hold|lead|facilitate|host)\s+(?:a |an |some |one )?(?:[\w-]+\s+){0,2}?(?:sessions?|workshops?|trainings?|walk-?throughs?|bootcamps?|webinars?|masterclass(?:es)?)\b"),
    _signal("seats.people_from_to", "seats", r"\b(?:user |named user )?(?:licen[cs]es|seats|users|logins)\s+from \d+ to \d+\b|\bfrom \d+ to \d+ (?:agents|people|staff|employees|technicians|reps|members|editors|admins|engineers|developers|seats|licen[cs]es|users)\b|\b\d+ (?:more|additional|extra|new) (?:agents|people|staff|employees|technicians|técnicos|reps|editors|admins|engineers|developers|collaborators|accounts)\b", 0.8),
    _signal("seats.access_for", "seats", r"\b(?:need|needing|want|get|give|enable|create|open)\w*\s+(?:[\w-]+\s+){0,3}?(?:access|logins?|accesses|user accounts?)\s+(?:for|to)\b|\b(?:have|get) (?:an? )?access to the\b", 0.6),
    _signal("scale.onto_our_system", "scale", r"\b(?:onto|on to|into|inside) (?:our|the|your) (?:account|system|platform|helpdesk|instance|tenant|payroll|hr system|hr and payroll|workspace|contract)\b|\bfilial\w*\b|\b(?:other|another|second|new|the) (?:company|brand|business|entity)'?s? (?:team|staff|employees|people)\b", 0.7),
    _signal("cross.trial_to_paid", "cross_sell", r"\b(?:pilot|trial|poc)\b.{0,30}?\b(?:to|->|into) paid\b|\bconvert\w* (?:the |our |their )?(?:[\w-]+ ){0,2}(?:pilot|trial|poc)\b|\b(?:start|begin)\w* (?:the |a )?(?:\d+-day )?(?-i:[A-Z][a-zA-Z]+) (?:trial|pilot)\b"),
    _signal("cross.named_product", "cross_sell", r"\b(?:buy|purchase|add|adding|roll(?:ing)? out|signing for|sign for|want(?:s)? in on|take|taking|bring(?:ing)? in|get)\s+(?:the\s+)?(?-i:[A-Z][a-zA-Z]+)(?:\s+(?-i:[A-Z][a-zA-Z]+))?\s+(?:for|to|across|on|as well|too)\s+(?:the\s+|our\s+|their\s+|our own\s+|\d+\s+)?(?:[\w-]+\s+)?(?:team|teams|department|group|org|brands?|branch|escalations|help center|website|contract)\b", 0.6),
    _signal("volume.special_conditions", "volume_pricing", r"\bspecial (?:price|prices|pricing|tariffs?|conditions?|rates?|offer)\b|\bdegressive\b|\bdiscount (?:band|tier|bracket|threshold)s?\b|\b(?:price|cost) per (?:head|user|seat|licen[cs]e|location|site|employee|store)\b.{0,20}\b(?:drop|go down|come down|fall|decrease|be lower|improve)\b|\b(?:single|one) (?:contract|agreement)\b.{0,40}\b(?:price|pricing|economics|cheaper|discount|rate)\b|\b(?:sign|commit)\w* for (?:more time|longer|\d+ years|three years|two years|multiple years)\b|\b(?:better|lower) price if\b|\b(?:price|pricing|discount|rate)\b.{0,30}\b(?:multi-?year|three years|two years|3 years|longer (?:term|commitment))\b"),
)

_CONFLICT_RULES: tuple[PhraseRuleSpec, ...] = (
    _conflict("conflict.reduce", "reduce", r"\b(?:reduc|lower|decreas|cut|trim|drop|shrink|scal)\w*\s+(?:back\s+|down\s+)?(?:our\s+|the\s+)?(?:number of\s+)?(?:[\w-]+\s+){0,2}?(?:seats?|licen[cs]es?|users?|user count|seat count|contract|spend|scope|storage|allocation)\b" + "|" + _LOWERED_FROM_TO),
    _conflict("conflict.fewer", "reduce", r"\bfewer (?:seats|licen[cs]es|users)\b|\bover-?licen[cs]ed\b|\bscale (?:back|down)\b|\bcut (?:down|back)\b"),
    _conflict("conflict.right_size", "reduce", r"\bgo(?:ing)? down (?:from|to) \d+\b|\bright-?siz\w*\b|\bstop paying for\b|\brelease (?:\d+ )?(?:seats|licen[cs]es|users)\b|\b(?:seats|licen[cs]es) (?:can|could) we release\b|\btrim\w* (?:our|the) (?:subscription|contract|plan)\b|\bmore licen[cs]es than (?:people|users)\b"),
    _conflict("conflict.remove_seats", "reduce", r"\b(?:remov\w+|drop\w*|return\w*)\s+(?:the\s+)?(?:[\w'-]+\s+){0,3}?(?:seats|licen[cs]es)\b|\bdecreas\w*\b.{0,20}\b(?:limit|seats|licen[cs]es|users)\b|\breduce\b.{0,30}\b(?:package|back to)\b|\bonly need \d+\b|\bshrink the contract\b"),
    _conflict("conflict.remove_part", "reduce", r"\b(?:remov|drop|return|cancel)\w*\s+(?:the\s+)?(?:\d+\s+)?(?:unused\s+|extra\s+)?(?:[\w-]+\s+){0,2}?(?:seats|licen[cs]es|add[- ]?on|module|product|pack|storage)\b" + "|" + _PART_REMOVED),
    _conflict("conflict.take_off", "reduce", r"\b(?:take|taking|strip|strike|cross|leave|leaving|keep|come|comes|coming)\b.{0,40}?\b(?:off|out of)\s+(?:our\s+|the\s+|this\s+|next\s+(?:year|term)'?s?\s+)?(?:renewal|contract|order|invoice|quote|subscription|bill)\b|\b(?:removed|taken off|dropped|excluded)\s+(?:from|off)\s+(?:the\s+|our\s+)?(?:renewal|contract|subscription|order)\b|\bexclud\w*\s+(?:the\s+)?(?:[\w-]+\s+){0,2}?(?:add[- ]?on|module|product|app|package|pack|suite)\b|\bno longer want (?:the|our)\b|\b(?:remov|drop)\w*\s+(?:the\s+)?(?:[\w-]+\s+){0,2}?(?:app|suite|package)\s+from\b" + "|" + _PART_TAKEN_OFF),
    _conflict("conflict.wont_need_extra", "reduce", r"\b(?:won'?t|no longer|don'?t)\s+need the (?:extra|additional)\b|\bonly need \d+ (?:seats|licen[cs]es|users)\b"),
    _conflict("conflict.downgrade", "downgrade", r"\bdowngrad\w*\b"),
    _conflict("conflict.lower_plan", "downgrade", rf"\brevert us to\b|{_DOWN_MOVE}|\bdown(?:shift|size)\w*\b|\bless (?:feature-rich|expensive|advanced) (?:plan|tier|edition|package)\b|\b(?:cheaper|lower|lowest|smaller|less expensive|entry-level|basic)\s+(?:plan|tier|package|edition)\b|\b(?:step|move|go|switch|revert)\w*\s+(?:us\s+)?(?:back|down)\s+(?:to|a tier|a plan)\b|\bdrop down a tier\b" + "|" + _CHEAPER_EDITION),
    _conflict("conflict.cancel", "cancel", r"\bcancel\w*\s+(?:our\s+|my\s+|the\s+)?(?:subscription|account|contract|plan|service|services)\b|\bwe'?re cancell?ing\b|\bcancellation process\b|\bcancel all (?:our )?services\b"),
    _conflict("conflict.leaving", "cancel", r"\b(?:won'?t|will not|not) be continuing\b|\bwinding down\b|\bpermanently\b|\bend(?:ing)? our (?:relationship|contract|subscription)\b|\b(?:we'?ll be |we are |we'?re )?leaving (?:when|at the end|you)\b|\bno longer need the platform\b|\bleaving us\b|\boffboard\w*\b|\bcancel everything\b|\bclos(?:e|ing) (?:the|our) [\w&-]+(?: [\w&-]+)? account\b"),
    _conflict("conflict.not_renew", "cancel", r"\b(?:not|won'?t|will not|don'?t|do not|no plans? to|no intention (?:of|to))\s+(?:[\w']+\s+){0,2}?(?:renew|extend)\w*\b|\bstop (?:the )?auto(?:matic)?[- ]?renew\w*\b|\blast year with you\b|\bnon-?renewal\b|\b(?:turn off|disable) auto-?renew|\brenewal is dead\b|\bchurn\b"),
    _conflict("conflict.terminate", "cancel", r"\bterminat\w+\s+(?:the\s+|our\s+)?(?:agreement|contract|subscription)\b|\bclose (?:our|my) account\b|\bend our (?:contract|relationship|subscription)\b|\bnotice to end\b|\bgiven notice\b"),
    # a threat to leave with no object ("...by Friday we will cancel."): "we will cancel the
    # meeting" has one, so the rule wants the sentence to end after the verb
    _conflict("conflict.threat_cancel", "cancel", r"\b(?:we|i)(?:'ll| will| are going to| shall| are going to have to| will have to)\s+(?:have to\s+)?(?:cancel|leave|walk)(?:\s+(?:it all|everything|altogether|for good|the whole thing))?\s*(?:[.!]|$)"),
    _conflict("conflict.walk_away", "cancel", r"\bwalk(?:ing|s)? away\b|\bpull(?:ing)? the plug\b|\bpart(?:ing)? ways\b|\b(?:let|letting)\s+(?:the\s+|our\s+)?(?:contract|subscription|licen[cs]e|term|it|them)\s+(?:lapse|run out|expire)\b|\bsunset(?:ting)?\s+(?:our|the)\s+(?:use|account|subscription|contract|workspace)\b|\b(?:final|last) (?:year|term) (?:on|with) (?:you|your|the platform)\b|\bre-?upp?ing\b|\bexit(?:ing)? (?:at|when|after) (?:the end|renewal|the renewal|term)\b|\bexit(?:ing)? at the end of (?:the|our) (?:agreement|contract|term)\b|\bout at (?:the\s+)?renewal\b|\b(?:we'?re|we are) done (?:after|with (?:you|the platform|the tool)|at (?:the end|renewal))\b"),
    _conflict("conflict.close_account", "cancel", r"\bclos(?:e|ing)\s+(?:down\s+)?(?:the|our|my)\s+account\b|\bdecommission\w*\s+(?:the|your|this)\s+(?:platform|tool|system|product|account|workspace)\b|\bshut(?:ting)? down (?:our|the|their) (?:workspace|account|instance|subscription)\b|\bend(?:ing)? the service\b|\bno renewal (?:for|order|needed|this|next)\b|\b(?:don'?t|do not|not to)\s+(?:raise|issue|send|create)\s+(?:a\s+|the\s+|any\s+)?renewal\b|\bnothing (?:auto-?)?renews\b|\bretir\w+ (?:the|your|this) (?:platform|tool|system|product|subscription)\b|\bwind(?:ing)? (?:up|down) (?:the|our) (?:account|subscription|contract|workspace)\b|\b(?:not to|won'?t|will not|chosen not to|decided not to) continue\b|\bnon-?continuation\b"),
    _conflict("conflict.alternatives", "alternatives", r"\b(?:evaluat\w+|look\w* at|look\w* into|consider\w*|explor\w+|trial\w*|pilot\w*|compar\w+|shortlist\w*|talks with)\s+(?:two\s+|three\s+|several\s+)?(?:other|alternatives?|another|competing|rival|replacement|open-source alternatives)\s*(?:vendors?|providers?|suppliers?|solutions?|tools?|platforms?|options|products?)?\b"),
    _conflict("conflict.competitor", "alternatives", r"\bcompetitors?(?:'s)?\b|\brival\b|\brfp\b|\b(?:go(?:ing)? out to|issued? an?|run(?:ning)? an?|put (?:it|this) out to) tender\b|\btender (?:process|for this)\b|\b(?:pilot|trial|poc|proof of concept|demo)\w*\s+(?:with|of)\s+(?:a\s+)?(?:different|another|other|competing|rival)\b|\bbake-?off\b|\bbenchmark\w* you\b|\bmatch their price\b|\bswitch(?:ing)? (?:to (?:a|another|their)|vendors)\b|\breplacement (?:vendors?|for you)\b|\blooking at alternatives\b"),
    _conflict("conflict.compare_vendors", "alternatives", r"\bcomparing (?:costs|prices|pricing|quotes|offers)\b|\b(?:three|two|several|multiple|competing) (?:quotes|bids|offers)\b|\bbenchmark\w*\b.{0,40}?\bagainst (?:you|your|yours)\b|\bside by side\b", 0.8),
    _conflict("conflict.switching", "alternatives", r"\b(?:thinking about|looking into|considering|pushing to)\s+(?:switching|switch|moving|migrating)\b|\bswitch(?:ing)? (?:vendors|providers|to (?:them|another|a competitor))\b|\bas a replacement\b|\b(?:potentially |to )?replace (?:you|your|us)\b|\bdemos? from\b|\bother (?:vendors|providers|suppliers|options)\b|\bon the list to\b|\b(?:migrate|move) to (?:it|the platform|their)\b|\bwhy we should stay\b|\bshop(?:ping)? around\b|\binstead of (?:you|yours|ours|your (?:platform|product|tool))\b|\bwhat else is out there\b|\bstandardi[sz]e on (?:a|another|their) (?:rival|competitor|different|other)\b"),
)

_CONFLICT_RULES += (
    # Expansion words used to shrink or stop: switch off, freeze or pause part of what they have.
    _conflict("conflict.switch_off", "reduce", r"\b(?:switch|turn)(?:ing|ed|s)? (?:it |them |that |those )?off\b|\b(?:freez|paus|suspend|deactivat|disabl)\w*\s+(?:the\s+|our\s+|\d+\s+|some\s+|those\s+|these\s+)?(?:[\w-]+\s+){0,3}?(?:licen[cs]es|seats|users|logins|add-?ons?|modules?|bundles?|packs?|packages?|subscriptions?|products?|storage|features?|accounts)\b|\bend (?:the|our)\s+(?:[\w-]+\s+){0,3}?(?:add-?on|module|bundle|pack|package|subscription)\b"),
)

_NEGATION_RULES: tuple[PhraseRuleSpec, ...] = (
    # explicit "no need": the strongest reason to say none
    _negation("neg.no_need", r"\b(?:no|don'?t|do not|doesn'?t|won'?t|will not|not|nope|aren'?t|isn'?t)\s+(?:[\w']+\s+){0,3}?(?:need|needed|plans?|planning|intention|interested|looking|going to buy|hiring|adding|expect\w*|see a need)\b", 1.2),
    _negation("neg.not_now", r"\bnot (?:this|next) (?:year|quarter)\b|\bmaybe (?:next year|later)\b|\brevisit\b|\bno budget\b(?! yet)|\bisn'?t (?:something|an issue|a priority)|\bnot (?:an issue|a priority|something we)\b|\bwon'?t matter\b|\bnowhere near\b|\bno (?:appetite|open needs|use for)\b|\bdecided (?:against|not to)\b|\bnot to go ahead\b|\b(?:fine|good|enough) (?:for now|with (?:the|our) current)\b|\bstays the same\b|\bstay that way\b", 1.3),
    _negation("neg.declined", r"\b(?:we'?ll|we will|i'?ll) pass\b|\bpass on (?:the|this|that|your)\b|\b(?:no|zero|little) interest\b|\bof no interest\b|\buninterested\b|\birrelevant\b|\b(?:aren'?t|isn'?t|not) (?:relevant|necessary|needed|required)\b|\bunnecessary\b|\boverkill\b|\bpointless\b|\bwasted on us\b|\bout of the question\b|\boff the table\b|\bnot a topic\b|\b(?:isn'?t|not) on (?:the|our) (?:agenda|roadmap|radar)\b|\bneither\b.{0,60}?\bnor\b|\bnone of (?:us|our|them|the)\b|\bno,? thank(?:s| you)\b|\bnothing (?:for us|we need)\b|\b(?:won'?t|wouldn'?t|shouldn'?t|don'?t|do not|will not) (?:[\w']+\s+)?requir\w*\b|\bno (?:change|changes|action) (?:needed|requested|required)\b|\bno (?:further )?asks\b|\bno commercial\b", 1.3),
    _negation("neg.enough_already", r"\b(?:is|are) (?:plenty|sufficient|more than enough)\b|\b(?:covers|does) (?:everything|all|what) we (?:need|use)\b|\b(?:content|happy|satisfied) with (?:the |our )?(?:current |existing )?(?:\d+ )?(?:seats|licen[cs]es|plan|tier|setup|allowance|storage|quota)\b", 1.2),
    _negation("neg.reduce_request", r"\b(?:reduc\w*|lower\w*|decreas\w*|cut\w*|trim\w*|drop\w*|shrink\w*|remov\w+)\s+(?:back\s+|down\s+)?(?:our\s+|the\s+)?(?:number of\s+)?(?:[\w-]+\s+){0,2}?(?:seats?|licen[cs]es?|users?|user count|seat count|storage|allocation|limit|package|pack|add-on|module|product)\b|\bscale (?:back|down)\b|\bcut (?:down|back)\b|\bonly need \d+\b|\bfewer (?:seats|licen[cs]es|users)\b" + "|" + _LOWERED_FROM_TO, 1.2),
    _negation("neg.stop_upsell", r"\b(?:stop sending|take us off|remove (?:me|us) from)\b", 1.0),
    # past purchases: already bought, nothing new to sell
    _negation("neg.past_purchase", r"\b(?:we|they)\s+(?:upgraded|added|bought|purchased|moved|rolled out|expanded|negotiated)\b.{0,60}\b(?:last|ago|back in|previous|earlier|in (?:" + _MONTH + r"))\b", 1.5),
    _negation("neg.past_time", r"\b(?:added|moved|bought|purchased|rolled out|rollout|upgraded|switched|expanded|went)\b.{0,50}\b(?:ago|last (?:year|spring|summer|autumn|fall|winter|month|quarter|week)|in (?:19|20)\d\d|back in)\b|\b(?:years? ago|last year|in (?:19|20)\d\d)\b.{0,30}\b(?:added|moved|bought|purchased|rolled out|upgraded|switched)\b|\byou added for us\b", 1.5),
    _negation("neg.already_done", r"\b(?:we|you)\s+(?:added|bought|purchased|processed|negotiated)\s+(?:in|last|back)\b|\bsince we (?:bought|upgraded|added|purchased|moved)\b|\bthanks for (?:upgrading|adding|processing)\b|\b(?:are|is) (?:all )?(?:active|assigned|showing correctly|reflected|fully onboarded)\b", 1.2),
    _negation("neg.past_purchase_noun", r"\b(?:module|add-?on|product|app|seats|licen[cs]es|storage|pack|package|plan|upgrade|tier)\s+(?:that\s+)?(?:we|they)\s+(?:purchased|bought|ordered|added|paid for|signed for)\b|\b(?:upgrade|purchase|expansion|rollout|roll-out|migration|move|true-?up|increase)\s+(?:we|they|you)\s+(?:did|made|completed|finished|processed|negotiated|bought|ran)\b|\b(?:upgrade|purchase|expansion|rollout|migration|true-?up|increase)\b.{0,40}?\b(?:ago|last (?:year|spring|summer|autumn|fall|winter|month|quarter|week)|back in|went (?:well|smoothly|fine))\b|\b(?:since|after|following) (?:adding|buying|purchasing|upgrading|switching|rolling out|taking)\b|\b(?:since|after|following) (?:the |our )?(?:last \w+'s |[\w-]+'s )?(?:[\w-]+\s+){0,2}?(?:upgrade|expansion|rollout|migration|true-?up)\b(?!\s+(?:to|of|for)\b)|\b(?:rollout|upgrade|migration|expansion|move)\s+(?:finished|completed|went|was done|is done|wrapped)\b|\bthanks (?:again )?for (?:the|our) (?:[\w-]+\s+){0,2}?(?:upgrade|migration|rollout|expansion|increase)\b|\byou processed\b|\b(?:are|is) (?:all )?(?:in use|live and working|visible now)\b|\bfrom (?:last (?:year|quarter|month)|the (?:autumn|spring|summer|winter|last) true-?up)\b", 1.5),
    # a purchase or service that is done, named before its verb: "the training sessions we booked
    # and paid for", "the API limit increase you applied yesterday", "the premium support we signed up
    # for in January"; and the causative "we had 50 licences added in Q1" (round 13)
    _negation("neg.done_for_us", r"\b(?:sessions?|training|support|increase|limit|environment|upgrade|storage|licen[cs]es|seats|users|logins|add-?ons?|modules?|package|workshop|pack)\s+(?:that\s+|which\s+)?(?:we|you|they)\s+(?:booked|signed up for|requested|applied|set up|enabled|activated|delivered|ran|installed|provisioned)\b|\bwe had (?:the |our |an? |\d+ )?(?:[\w-]+ ){0,3}?(?:added|raised|increased|lifted|extended|upgraded|bumped|enabled|activated|installed)\b", 1.5),
    # already done or delivered: nothing left to sell
    _negation("neg.already_live", r"\b(?:is|are|went|now|has gone|have gone|been|be) live\b|\bwent live\b|\b(?:all set|up and running|working again|works again|sorted now|now working)\b|\b(?:arrived|has arrived|was applied|have been applied|has been applied|took effect|is now active|are now active|now active|now showing|were added|was added|has been added|have been added|was raised|was increased|were increased|was lifted|has been raised|has been increased|been upgraded)\b|\bthanks? (?:you )?for (?:getting|adding|upgrading|sorting|raising|increasing|processing|turning|enabling|lifting)\b|\bjust to confirm\b.{0,60}\b(?:live|done|complete|in place)\b|\brecap of\b|\byears? since\b|\b(?:last|previous) (?:year|spring|summer|autumn|winter|quarter|month)'s (?:rollout|upgrade|expansion|move|increase)\b|\b(?:lifted|raised|increased|bumped|extended|doubled|upgraded|added|bought|moved|took|taken|signed)\b.{0,50}\b(?:last (?:year|spring|summer|autumn|fall|winter|month|quarter|week)|back in|in (?:19|20)\d\d|years? ago)\b|\b(?:went|gone) smoothly\b|\bworked (?:brilliantly|really well|well|great|perfectly)\b|\bthanks? (?:you )?(?:again )?for (?:your help|helping|the (?:[\w-]+ ){0,2}(?:session|training|workshop|webinar))\b|\bsince we took\b", 1.5),
    # completed state, in any domain: "X is done / was delivered / has paid off", "done last week"
    # (not in a condition or a question about it: "as soon as legal is done", "has that ever been done?")
    _negation("neg.completed", r"^(?!.*\b(?:as soon as|once|when|whenever|after|until|till|if|ever|unless)\b).*?(?:\b(?:is|are|was|were|been)\s+(?:now\s+|already\s+|all\s+)?(?:done|completed?|finished|delivered|installed|provisioned|activated|enabled|resolved|in place)\b(?!\s+(?:by|before|in time|for)\b)|\b(?:has|have)\s+(?:already\s+|really\s+)?paid off\b|\bsolved\b.{0,40}?\bfor good\b|\b(?:done|completed|finished|delivered|signed)\s+(?:last|yesterday|earlier)\b|(?<!to be )(?<!will be )(?<!should be )(?<!must be )\b(?:completed|finished|wrapped up|went live)\s+(?:back )?(?:in|on)\s+(?:" + _MONTH + r"|q[1-4]|(?:19|20)\d\d)\b)", 1.2),
    # someone else's expansion: a prospect, another vendor's licences, the vendor's own hiring
    _negation("neg.third_party", r"\b(?:don'?t|do not|doesn'?t) (?:currently |yet |really )?use (?:you|your)\b|\bnot (?:yet )?(?:a )?customers?\b|\bfor the first time\b|\b(?:currently|already) (?:with|on) (?:another|a different|other) (?:vendor|provider|system|tool)\b|\b(?:salesforce|slack|zoom|microsoft(?: 365)?|office 365|o365|m365|adobe|google workspace|gsuite|workday|okta|atlassian|jira|confluence|github|gitlab|hubspot|zendesk|servicenow|docusign|dropbox|notion|asana|aws|azure)\s+(?:seats?|licen[cs]es?|users|members|accounts|workspace|subscription)\b|\b(?:husband|wife|partner|brother|sister|friend)'s (?:company|business|firm)\b|\b(?:are you|you're|you are) hiring\b|\byour (?:job (?:posting|ad|advert|opening)s?|vacanc(?:y|ies)|careers page|recruiters?)\b|\b(?:our|their|the) (?:agency|broker|vendor|supplier|clients?|customers?)'?s? (?:is|are) (?:upgrading|adding|expanding|growing|buying)\b|\bunrelated to (?:us|them)\b|\b(?:doesn'?t|does not) relate to (?:your|our) contract\b|\bno changes? (?:to|on) our contract\b|\bnothing changes (?:on|in|to) our contract\b|\bnothing needed (?:on|from) your side\b|\bwith another (?:supplier|vendor|provider)\b|\buses? a different (?:[\w-]+ )?(?:system|platform|tool|lms|crm|erp|provider|vendor)\b", 1.5),
    # a prospect or an outsider asking for prices: "we're evaluating tools for our company", "I found
    # you on G2", "I'm a student writing a thesis about SaaS pricing" (round 13)
    _negation("neg.prospect", r"\b(?:we|i) (?:don'?t|do not) use you yet\b|\bwe(?:'re| are) not (?:yet )?(?:a )?customers?\b|\bnot (?:a )?customers? (?:yet|of yours)\b|\b(?:evaluating|shortlisting|comparing|researching|looking at) (?:a few |several |some |different )?(?:tools|vendors|options|solutions|platforms|providers|suppliers)\b|\bfound you (?:on|via|through|at)\b|\bcame across you\b|\b(?:i'?m|i am|we'?re|we are) (?:a |an )?(?:student|students|researcher|journalist)s?\b|\b(?:thesis|dissertation|research paper|school project)\b", 2.5),
    # sarcasm and complaints that borrow expansion words
    _negation("neg.sarcasm", r"\b(?:lovely|great|brilliant|fantastic|wonderful|perfect|sure|oh good|cool)\s*[,.!-]+\s*(?:so|an|another|let'?s|let me|just what)\b|'(?:scale|upgrade|unlock\w*|premium|enterprise|add-?on|more value|value|growth)'|\bright after you fix\b|\bperhaps (?:start|begin) by\b|\bfar too expensive\b|\b(?:pay|paying) a fortune\b|\bcan'?t wait to (?:find out|see|pay)\b|\bcool cool\b|\btwice the (?:downtime|bugs|outages|price)\b|\bso we can (?:have|enjoy|get) (?:twice|more|double) the\b|\bfor what it is\b", 1.5),
    # questions about what they already have
    _negation("neg.current_state", r"\bwhat(?:'s|s| is| are) (?:our|the) current\b|\bwhat (?:[\w-]+ ){0,2}(?:do we have|are we on|are we paying for|do we pay for|have we got)\b|\bdo we already have\b|\bwhich (?:plan|tier|edition) (?:we'?re|we are) on\b|\bconfirm(?:ation)? of which (?:plan|tier)\b|\bwhat our (?:[\w-]+ ){1,3}(?:is|are)\b|\b(?:does|do|is) (?:our|the) (?:current )?(?:contract|subscription|plan|licen[cs]e|agreement) (?:include|cover)\b|\bincluded in our (?:current )?(?:contract|subscription|plan|licen[cs]e)\b|\bwhat we'?ve got\b|\bhow much (?:of it )?(?:we'?ve|we have) used\b", 1.2),
    # declining without "not"
    _negation("neg.stay_put", r"\bstay (?:where we are|as we are|on (?:our|the) current)\b|\b(?:want|like|plan|intend|prefer|happy|going) to (?:stay|remain) on (?:the )?[\w-]+(?: (?:plan|tier|edition|package))?(?!\s*[\w-])|\b(?:stick|sticking) with (?:what we have|our current|the current)\b|\b(?:didn'?t|doesn'?t|don'?t|not) justify\b|\bno longer (?:need|want|require)\b|\b(?:was|got|been) scrapped\b|\b(?:not|never|haven'?t|hasn'?t) (?:really )?(?:touched|used)\b|\b(?:chosen|decided|choose) not to (?:proceed|go ahead|continue|buy|take|add)\b|\bnot (?:to )?(?:proceed|go ahead) with\b|\bhold off\b|\bbudget freeze\b|\b(?:current|existing|same) (?:scope|quantities|volumes?)\b|\bno changes\b", 1.5),
    # a refusal or a substitute: "instead of adding more storage we'll archive", "rather than buying
    # more storage", "we don't want to raise the cap", "please leave the quota as is / keep it at
    # 10k"; a rhetorical "why would we buy more seats (when…)", "who in their right mind would add
    # more users", "glad we never upgraded" (round 13, a stranger's cases)
    _negation("neg.instead_of", r"\b(?:instead of|rather than)\s+(?:buying |adding |getting |paying for |ordering |taking |upgrading(?: to)? |raising |increasing |bumping )?(?:any |a |the |our )?(?:more|extra|additional|bigger|higher|another|new)\b|\b(?:don'?t|do not|doesn'?t|won'?t|will not)\s+(?:want|wish|intend|plan)\s+to\s+(?:raise|increase|add|buy|upgrade|expand|extend|order|purchase|bump|move up)\b|\b(?:leave|keep)\s+(?:it|them|the [\w-]+|our [\w-]+|things|everything)\s+(?:as (?:it )?is|at \d[\w,.]*|where (?:it|they) (?:is|are)|unchanged|the same)\b|\bwhy (?:would|should) (?:we|i|anyone|anybody) (?:ever |even )?(?:want to |need to )?(?:buy|pay for|add|need|get|take)\s+(?:any\s+)?(?:more|extra|additional|another)\b|\bwho in (?:their|his|her) right mind\b|\b(?:glad|happy|relieved) (?:that )?(?:we|i) (?:never|didn'?t|did not|haven'?t|have not) (?:upgrade|buy|bought|go|went|add|sign|take|took|pay|paid)\w*", 2.5),
    # how-to questions and reports about the product as it is
    _negation("neg.support_howto", r"\bhow (?:do|can|should) (?:i|we)\b(?! (?:add|get|buy|purchase|increase|upgrade|raise|extend|expand|give|bring|onboard|roll))|\bwhere (?:do|can) (?:i|we)\b|\bany fix\b|\bplease (?:check|investigate|optimi[sz]e|fix|look into)\b|\b(?:jumped|spiked) (?:overnight|from)\b|\bwent from\b.{0,40}\b(?:overnight|without)\b|\b(?:we|you) pay for (?:isn'?t|is not|doesn'?t|does not)\b|\brolled (?:[\w-]+ ){0,3}out\b.{0,60}\b(?:ago|last (?:year|spring|summer|autumn|fall|winter|month|quarter))\b", 1.0),
    # a numbered release of any part ("the 4.6 upgrade of the QuickBooks connector") is not more of anything
    _negation("neg.version_number", r"(?<![$£€\d.,])\bv?\d+\.\d+(?:\.\d+)*\s+(?:upgrade|update|release|version)\s+(?:of|for|to)\b|\bv\d+(?:\.\d+)+\s+(?:upgrade|update|release)\b", 1.0),
    # software versions are not plans
    _negation("neg.version_upgrade", r"\bupgrad\w*\s+(?:\w+\s+){0,5}?(?:to\s+)?(?:v\d|version|release|\d+(?:\.\d+)+)|\b(?:version|release|v)\s?\d+(?:\.\d+)*\b.{0,40}\bupgrad|\bupgrad\w*\s+(?:the\s+|our\s+|your\s+)?(?:browser|chrome|firefox|safari|os|windows|macos|ios|android|java|python|postgres|firmware|plugin|plug-in|desktop client|client|mobile app|app|agent|on-prem\w*|gateway|server|erp|sdk|connector|driver|package|salesforce package|integration|runtime|database|laptops)\b|\b(?:software|platform|app|mobile app|firmware|plugin|browser|system)\s+(?:update|upgrade)\b|\bupgrade (?:wizard|window|notice)\b|\bupgrade to the new ui\b", 1.5, signal_type="tier_upgrade"),
    # other senses of the keywords
    _negation("neg.scale_other_sense", r"\bon a scale\b|\bscale of \d|\b(?:y-?axis|x-?axis|axis|logarithmic|linear|log)\s+scale\b|\bscale to fit\b|\bauto-?scale\b|\bscaling factor\b|\b(?:warehouse|weighing|bathroom|kitchen|new) scale\b", 2.0, signal_type="scale"),
    _negation("neg.seat_other_sense", r"\b(?:car|child|booster|bike|airline|theat(?:er|re)|stadium)\s+seats?\b|\bseat (?:of|map|post|\d+[a-z]?)\b|\bseating\b|\bremaining seats\b", 2.0, signal_type="seats"),
    _negation("neg.seat_swap", r"\b(?:reassign|transfer|swap)\w*\b.{0,40}\b(?:seats?|licen[cs]es?|them)\b|\breplace (?:someone|a user)\b|\bwithout buying a new seat\b|\bto replace\b", 1.5, signal_type="seats"),
    _negation("neg.license_other_sense", r"\b(?:driver'?s|open[- ]source|mit|apache|software)\s+licen[cs]e\b|\blicen[cs]e (?:key|file)\b", 1.5, signal_type="seats"),
    _negation("neg.seats_reduced", r"\b(?:remov\w*|drop\w*|reduc\w*|cut|fewer|decrease|lower|return)\b.{0,25}\b(?:seats?|licen[cs]es?|users|user count|seat count)\b", 1.0, signal_type="seats"),
    _negation("neg.seat_limit_is_seats", r"\b(?:named[- ]user|user|seat|licen[cs]e)\s+(?:allowance|cap|limit)\b", 1.0, signal_type="capacity"),
    _negation("neg.capacity_reduced", r"\b(?:lower|reduc\w*|decreas\w*|drop|remove)\w*\b.{0,30}\b(?:storage|limit|allocation|quota|package|gb|tb|calls)\b|\bwon'?t need the extra\b", 1.0, signal_type="capacity"),
    _negation("neg.capacity_other_sense", r"\bin (?:my|our|his|her|their) capacity as\b|\b(?:full|seating|venue|battery|room)\s+capacity\b|\bcapacity planning\b", 2.0, signal_type="capacity"),
    _negation("neg.plan_other_sense", r"\b(?:customer|loyalty|pricing|service|support)\s+tiers?\b|\btier field\b|\b(?:lesson|meal|project|operating|floor|action|test|payment|data)\s+plans?\b|\btier[- ]?(?:1|one|2|two)\b", 1.5, signal_type="tier_upgrade"),
    _negation("neg.downgrade_is_not_upgrade", rf"\bdowngrad\w*\b|\brevert us to\b|{_DOWN_MOVE}|\bdown(?:shift|size)\w*\b|\b(?:cheaper|lower|lowest|smaller|less expensive|entry-level)\s+(?:plan|tier|package)\b|\b(?:step|move|go)\w*\s+(?:back|down)\b", 1.5, signal_type="tier_upgrade"),
    _negation("neg.package_other_sense", r"\b(?:chrome|browser|firefox|edge|outlook|gmail)\s+extension\b|\badd-?on (?:insurance|products?|items?|sales)\b|\b(?:npm|python|pip|delivery|software)\s+package\b|\bpackage (?:tracking|delivery)\b|\b(?:board|welcome|month-end|quarter-end|year-end|info|information|investor|press|briefing) packs?\b|\bpack (?:reports?|workflows?|templates?|emails?|documents?|pdfs?)\b|\b(?:browser|chrome|jira|outlook|firefox|excel)\s+add[- ]?on\b|\badd[- ]?on for (?:jira|chrome|outlook|excel|firefox)\b|\bpackage\b.{0,30}\b(?:python|environment|dependency|pin)\b", 2.0, signal_type="add_on"),
    # "rate" in a sense that is not a price break: exchange, interest, tax, open, bounce rates
    _negation("neg.rate_other_sense", r"\b(?:exchange|interest|conversion|fx|currency|tax|vat|heart|frame|error|bounce|open|click|response|success|failure|churn|attrition|burn|refresh|sampling|turnover|occupancy|completion|pass|fill|delivery)\s+rates?\b", 2.0, signal_type="volume_pricing"),
    # a person added to a contact or mailing list is not a user: "please add Marta as a billing contact"
    _negation("neg.contact_list", r"\badd\s+(?:[\w.@-]+\s+){1,3}?(?:as\s+(?:an?\s+|the\s+|our\s+)?(?:\w+\s+)?contacts?|to\s+(?:the\s+|our\s+)?(?:\w+\s+)?(?:contacts?|cc|recipients?|distribution list|mailing list|invoice emails?))\b"),
    # a how-to question about what they have: "Can we change the rating scale…?", "Is there a
    # way to merge two accounts?" (not "can we set up a call", "could we see a side-by-side")
    _negation("neg.support_can_we", r"\b(?:(?:can|could)\s+(?:i|we)|is there a way to)\s+(?:(?:set|change|see|export|delete|configure|turn|restrict|split|round|filter|merge|rename|hide|show|edit|customi[sz]e|sync|import|print|disable|enable|reset|bulk|undo|recover|restore|copy|tag|assign|reassign|transfer)\b(?!\s+up\s)(?!\s+(?:a|an|the)\s+(?:side-by-side|comparison|quote|demo|proposal|call|meeting|price|pricing))|schedule\b(?!\s+(?:a|an|the)\s+(?:[\w-]+\s+)?(?:call|meeting|session|demo|workshop)))"),
    # someone else's purchase: "the contractor is upgrading their Procore plan", "our lab
    # provider is adding more seats to their portal"
    _negation("neg.their_purchase", r"\b(?:upgrad(?:e|es|ing)|adding|added|expanding|renewing)\s+(?:\w+\s+){0,2}?their\s+(?:own\s+)?(?:[\w-]+\s+){0,2}?(?:plan|licen[cs]es|seats|subscription|portal)\b"),
    # what they already have: "We already moved to the bigger plan in May", "we already pay for it"
    _negation("neg.already_ours", r"\bwe(?:'ve| have)? already (?:moved|upgraded|bought|purchased|added|switched|pay for|paid for|signed|have (?:the|it|them|enough|those))\b"),
    # a purchase that is done, with the thing bought after the verb: "we paid for the onboarding
    # package in May and…", "we signed the order form for 6 additional users" (not "if we bought…")
    _negation("neg.bought_it", r"(?<!\bif )\b(?:we|i)(?:'ve| have)? (?:paid|signed|ordered|purchased|bought|enabled|activated)(?: (?:up )?for)? (?:the |our |your |an? |\d+ |those |these )?(?:order form for (?:\d+ )?)?(?:extra |additional |new )?(?:[\w-]+ ){0,3}?(?:add-?ons?|modules?|package|licen[cs]es|seats|users|logins|premium support|upgrade)\b"),
    # the thing they have: "the payments module we have", "we have your SSO add-on", "the plan
    # we're on" (not "the plan we have in mind", "the difference with the plan we have", "we have
    # the budget for the analytics module")
    _negation("neg.one_we_have", r"(?<!difference with the )(?<!difference from the )(?<!difference to the )(?<!compared to the )(?<!compared with the )\b(?:add-?on|module|package|plan|tier)s? (?:that |which )?(?:we|i) (?:already )?(?:have|use|pay for|are paying for|are on|'re on)\b(?! in mind)|\b(?:we|i) (?:already )?(?:have|pay for|are paying for) (?:the |your |our )(?:(?!(?:budget|money|approval|funds|interest|need|plans?)\b)[\w-]+ ){0,3}?(?:add-?on|module|package)\b"),
    _negation("neg.part_removed", r"\b(?:remove|drop|cancel)\w*\s+(?:the\s+)?(?:[\w-]+\s+){0,2}?(?:add[- ]?on|module|product|pack|package)\b" + "|" + _PART_REMOVED + "|" + _PART_TAKEN_OFF, 1.5),
    _negation("neg.lower_edition", _CHEAPER_EDITION, 1.5),
    # support tickets: billing corrections, API errors, bugs, access problems
    _negation("neg.billing_correction", r"\b(?:overcharg\w*|double[- ]charg\w*|(?:charged|billed) twice|refund\w*|credit note|reissue\w*|re-issue|receipt)\b|\b(?:wrong|incorrect)\s+(?:[\w-]+\s+){0,2}?(?:seat count|plan|price|amount|rate|currency|total|number|count)\b|\bmore (?:seats|licen[cs]es|users) than (?:we|i)\b|\bappears? twice\b|\bissue (?:us )?a credit\b|\bcredit (?:for|back)\b|\b(?:billed|charged|charges|charging|invoiced|bills)\s+(?:us\s+)?(?:for\s+)?(?:[\w-]+\s+){0,3}?(?:seats?|licen[cs]es?|users?|accounts|plan|tier|add-?on|module|storage|pack)\b|\b(?:invoice|quote|bill)\b.{0,40}?\b(?:doesn'?t match|does not match|is off|mismatch|wrong|incorrect|too high)\b", 1.5),
    _negation("neg.api_error", r"\b(?:http|error|status|code|returns?|returning|gets?|getting|got)\s+(?:code\s+)?[45]\d\d\b|\b[45]\d\d\s+(?:errors?|responses?|status)\b|\b429s?\b|\btoo many requests\b|\b(?:being|getting|get|got) (?:rate[- ]?limited|throttled)\b|\b(?:rate[- ]?limit|quota|limit|rate)\s+(?:exceeded|errors?|headers?)\b|\btim(?:e|es|ed|ing)[- ]?outs?\b|\bretry (?:loop|strategy|logic)\b|\bbackoff\b", 1.2),
    _negation("neg.support_error", r"\b(?:errors?|bug|bugs|crash\w*|broken|fail|fails|failed|failing|404|spinner)\b(?!\s+(?:budget|rate))|\b(?:error|message|says?|saying)\s*:?\s*['\"]|\b(?:get|gets|getting|receive|receiving)\s+(?:an?\s+|the\s+|this\s+)?(?:error\s+|message\s+)?['\"]|\bis (?:this|that|it) (?:a bug|expected|intended)\b|\b(?:intended|expected behaviou?r)\?|\bdoes nothing\b|\bkeeps? (?:loading|crashing|failing|appearing|popping up|coming back|showing up)\b|\bpops? up every\b|\b(?:isn'?t|aren'?t|not|doesn'?t|don'?t|won'?t|never|still aren'?t|stopped)\s+(?:working|loading|showing|updating|applied|saving|arriving|load|show|update|go away|open)\b|\bnever (?:finishes|arrives|receives)\b|\bstopped \w+ing\b", 1.0),
    _negation("neg.support_access", r"\b(?:locked|logged) out\b|\blogin loop\b|\b(?:permission|access) denied\b|\bnot assigned\b|\bgreyed out\b|\b(?:can'?t|cannot|unable to|could not|couldn'?t)\s+(?:log ?in|sign ?in|access|find|see|open|assign|upload|reach|create)\b|\bduplicate (?:users|accounts)\b|\bdeactivat\w+\s+(?:users?|accounts?|someone|people)\b|\bdeprovision\w*\b", 1.0),
    # "revert" is also Indian English for "reply": "please revert with quotation for 20 licences"
    _negation("neg.support_data", r"\b(?:is|are) (?:missing|empty|blank)\b|\bmissing (?:entries|records|data|fields?|from)\b|\bwe'?ve lost\b|\b(?:settings|data|history|changes) (?:lost|gone|reset)\b|\breset to (?:the )?defaults?\b|\bdisappear\w*\b|\breverts?\b(?!\s+(?:back\s+)?(?:with|to (?:us|me)))|\bduplicate (?:line|charge)\b|\b(?:count|number|total|figure|meter|counter|usage)s? (?:is |are )?(?:wrong|incorrect|off|stuck)\b|\b(?:is|are|looks?|seems?) (?:wrong|incorrect|broken)\b|\bshows? (?:a |the )?(?:wrong|negative|blank|0)\b|\b(?:it|the (?:page|console|panel|dashboard|meter|report|widget|counter|chart|banner)) (?:says|shows|claims)\b|\b(?:is|are|was|were) supposed to\b|\b(?:quota|limit|allowance|storage)\b.{0,20}?\bdropped\b|\bplease restore\b|\b(?:restore|recover|undelete)\w*\b.{0,40}?\b(?:deleted|by mistake)\b|\bdeleted (?:by mistake|accidentally)\b", 1.0),
    _negation("neg.limit_question", r"\bis (?:there|that|this|it) an? (?:[\w-]+ ){0,2}(?:limit|cap|quota)\b(?! (?:increase|upgrade|raise))|\b(?:limits?|caps?) we should (?:know|be aware)\b|\bhow (?:does|do|is|are) (?:the )?(?:[\w-]+ ){0,2}(?:limits?|quotas?|meter)\s+(?:reset|calculated|counted|applied|work)\b|\bwhat(?:'s| is) the (?:[\w-]+ )?rate limit (?:on|for)\b|\bwhat(?:'s| is) the limit per\b|\b(?:limits?|quotas?) apply per\b|\bhard (?:limit|cap)\b|\bhow (?:the )?(?:[\w-]+ ){0,2}(?:limits?|quotas?) (?:resets?|works?|is calculated|applies)\b", 1.2, signal_type="capacity"),
    # how a limit they have is defined or how big it is: "is the API rate limit per user or per
    # workspace?", "what's the maximum file size we can upload?" (round 13)
    _negation("neg.limit_definition", r"\b(?:limits?|quotas?|caps?|allowances?)\s+(?:is |are |counted |applied |set )?(?:per|by)\s+(?:user|seat|workspace|account|tenant|month|day|hour|project|key|org(?:anisation|anization)?)\b.{0,40}?\bor\b|\bwhat(?:'s| is) the (?:max(?:imum)?|largest|biggest) (?:[\w-]+ ){0,2}?(?:size|length|duration|resolution)\b", 1.2),
    _negation("neg.retention_setting", r"\b(?:shorten|shorter|reduce|purge|delete)\w*\b.{0,30}?\bretention\b|\b(?:limit|cap|restrict)(?:ing)?\s+(?:the\s+|our\s+)?(?:data\s+|log\s+)?retention\b|\bretention\b.{0,40}?\b(?:shorten|shorter|configur\w+|settings?|defaults?|polic(?:y|ies)|reset)\b|\bhow long (?:[\w-]+ ){0,4}?(?:are|is|were) (?:kept|retained|stored)\b|\bshorten (?:it|that|them)\b|\bpurge\b", 1.5, signal_type="capacity"),
    _negation("neg.current_plan", r"\bplan (?:we'?re|we are) (?:on|in)\b|\bour (?:current )?[\w-]+(?: [\w-]+)? (?:plan|tier|edition|subscription) (?:includes|covers|has)\b|\b(?:we'?re|we are) already on\b|\bincluded in our (?:current )?(?:plan|subscription)\b|\bwhat(?:'s| is) included in our\b|\b(?:features?|screen|menu|view)\b.{0,30}?\bmissing\b|\b(?:banner|pop-?up|prompt|button|link)\b.{0,40}?\bupgrad\w*|\bupgrad\w*\s+(?:banner|pop-?up|prompt|button|page|link)\b|\bupgrade (?:a |the )?user\b", 1.5, signal_type="tier_upgrade"),
    _negation("neg.rollout_status", r"\b(?:walked|went|go|going|run|ran)\s+through\b.{0,60}?\brollout\b|\brollout status\b|\breviewed\b.{0,60}?\brollout\b|\ball (?:teams|offices|sites) (?:are )?live\b", 1.5, signal_type="scale"),
    # Round 6: the "none" boundary in words that belong to no product or domain (docs/classifier.md)
    # content with what they have
    _negation("neg.fine_as_is", r"\b(?:we'?re|we are|i'?m|i am)\s+(?:absolutely\s+|perfectly\s+|totally\s+|quite\s+|still\s+)?(?:fine|good|ok|okay|happy|sorted)\s+(?:as we are|as is|as things are|where we are|with (?:ours|what we have|(?:our|the) current (?:setup|set-up|number|plan|tier|package|edition)))\b|\bexactly the (?:number of )?(?:seats|users|licen[cs]es|logins|accounts|storage|plan|capacity) we need\b|\b(?:nobody|no one|no-one) else needs?\b|\bthe last thing we need\b|\bno action (?:needed|required)\b|\b(?:i'?d|we'?d|i would|we would) rather not (?:add|upgrade|expand|increase)\b|\bjust for (?:the file|our records|the record)\b", 1.5),
    # a need the customer says they will raise themselves, if it ever comes
    _negation("neg.will_ask_later", r"\bif (?:we|you) ever\b.{0,60}\b(?:we'?ll|we will|i'?ll) (?:shout|let you know|be in touch|get in touch|reach out|come back)\b", 1.5),
    # rights and roles of existing users are settings, not seats
    _negation("neg.permission_setting", r"\b(?:give|grant|assign)\s+(?:a|an|one|this|that|the|existing|an existing)\s+(?:[\w-]+\s+)?(?:user|person|member|colleague|employee)\b.{0,40}\b(?:rights?|permissions?|role|only)\b|\b(?:approver|approval|read-only|admin) rights\b|\bwithout (?:giving (?:them|him|her) )?(?:a login|an account|making (?:them|him|her) (?:a )?(?:full )?admin)\b", 1.5, signal_type="seats"),
    # spending and approval limits are controls, not a metered resource
    _negation("neg.spending_limit", r"\b(?:spend(?:ing)?|approval|credit|transaction|purchase|payment|expense|withdrawal|transfer|signing)\s+limits?\b|\blimits? on how much\b|\blimit for (?:each|every|a) (?:cardholder|card|employee|user)\b|[£$€]\s?\d[\d,.]*\s?k? limit\b", 1.5, signal_type="capacity"),
    # product feedback: a feature the customer would like the product to have is not a purchase
    _negation("neg.feature_request", r"\bit would (?:help|be (?:nice|great|useful|helpful)) if (?:the|your|comments?|tasks?|reports?|dashboards?|exports?|search|notifications?) (?:\w+ ){0,3}(?:supported|could|showed|allowed|let us|had)\b", 1.5),
    # someone else's prospect, or another vendor's business software
    # the renewal price of the plan they have is not a buying signal ("is the price going
    # up at renewal? we need to plan our budget"); nor is a friend's company's price question
    _negation("neg.renewal_price", r"\b(?:is|are|will)\s+(?:the\s+|our\s+)?(?:price|prices|pricing|cost|costs|rate|rates|fee|fees)\s+(?:going up|go up|increas\w*|ris\w+|chang\w+)\b[^.?!]{0,30}\b(?:at|on|for|before|after)\s+(?:the\s+|our\s+|next\s+)?renewal\b|\bwhat will (?:our|the) renewal (?:cost|price|be)\b", 1.5),
    _negation("neg.friend_uses_you", r"\bmy (?:friend|brother|sister|wife|husband|partner|cousin|former colleague|old colleague)(?:'s)?\s+(?:company|firm|team|employer|startup|business)\b|\b(?:a|my) friend(?:'s)? (?:company|firm|team) (?:uses|is using|runs on)\b", 1.5),
    _negation("neg.other_party", r"\b(?:a|our|your|one of (?:your|our))\s+prospects?\b|\bprospects? of ours\b|\bi'?m a consultant\b|\b(?:sap|oracle|netsuite|dynamics|sage|quickbooks|xero)\s+(?:seats?|licen[cs]es?|users)\b|\b(?:rolling out|upgrading (?:us )?to|moving to|migrating to)\s+(?:sap|oracle|netsuite|dynamics|sage|quickbooks|xero|salesforce|workday)\b|\b(?:our|their) (?:[\w-]+ )?partners? (?:uses?|upgraded|is upgrading)\b", 1.5),
    # conflict words in harmless senses
    _negation("neg.cancel_other_sense", r"\bcancel\w*\s+(?:the\s+|my\s+|tomorrow'?s\s+|a\s+)?(?:[\w-]+\s+)?(?:meeting|session|call|invoice|order|report|sessions)\b", 2.0, conflict="cancel"),
    _negation("neg.upgrade_is_not_downgrade", _UP_MOVE, 1.5, conflict="downgrade"),
    _negation("neg.downgrade_other_sense", r"\bdowngrad\w*\s+(?:the\s+|our\s+)?(?:chrome|firefox|browser|severity|priority|app|plugin|plug-in|driver|connector|client|agent|sdk|firmware|version|to version|to v\d)|\bdowngrad\w*\b.{0,30}\bv?\d+\.\d+|\bdowngrade the (?:severity|priority)\b", 2.0, conflict="downgrade"),
    _negation("neg.reduce_other_sense", r"\breduce (?:the )?(?:font|load|time|number of (?:notification|emails)|latency)\b", 2.0, conflict="reduce"),
    _negation("neg.alternative_other_sense", r"\balternative (?:way|to the|endpoint|login|export|format)\b|\bcompetitor analysis\b|\b(?:chose|picked|selected) you\b|\b(?:years? ago|last year)\b.{0,60}\b(?:still|best)\b|\b(?:yours|you) (?:is|are) still\b|\b(?:buying|acquir\w+|bought|merg\w+ with) (?:a |the )?competitor\b", 2.0, conflict="alternatives"),
    _negation("neg.remove_person", r"\bremove \w+ from (?:the |our )?(?:billing|mailing|contact|distribution|invite|email)\b|\bremove (?:me|us|him|her|them) from\b", 2.0, conflict="reduce"),
)

# A date after a finished verb is when it happened, not when to buy ("the rollout completed in March")
_NOT_FINISHED = "(?<!completed )(?<!finished )(?<!wrapped up )(?<!went live )(?<!launched )(?<!happened )(?<!was done )(?<!delivered )"
# A count written as a word ("three more licences", "a dozen new hires") is as concrete as digits.
NUMBER_WORD = r"(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|a hundred|a dozen)"

_INTENT_RULES: tuple[PhraseRuleSpec, ...] = (
    _cue("buying.quantity", "buying_cue", r"\b(?:\d[\d,.]{0,15}\s*(?:k|m|%)?\s*(?:more\s+|additional\s+|extra\s+|new\s+)?|" + NUMBER_WORD + r"\s+(?:more|additional|extra|new)\s+)(?:seats?|licen[cs]es?|users?|logins?|people|employees|reps|agents|staff|engineers|hires|designers|technicians|drivers|gb|tb|calls|contacts|records|credits|locations|stores|offices|hospitals|departments|learner)\b", 0.6),
    _cue("buying.date", "buying_cue", rf"\b(?:by|before|from|starting|effective|{_NOT_FINISHED}on|{_NOT_FINISHED}in|until|for)\s+(?:the\s+)?(?:{_DAY}|{_MONTH}\b|q[1-4]\b|end of (?:the )?(?:month|quarter|year|fy)|month-?end|next (?:week|month|quarter|sprint)|tomorrow|today|this (?:week|month|quarter)|the \d+(?:st|nd|rd|th))\b", 0.6),
    _cue("buying.approval", "buying_cue", r"\b(?:approved|sign(?:ed)?[- ]off|signs?\b|budget (?:is |was )?(?:approved|allocated|there|set aside|signed)|\bpo\b|purchase order|verbal yes|go-?ahead|decision maker|procurement|cfo|ceo|cio|coo|vp|director)\b", 0.6),
    _cue("buying.request", "buying_cue", r"\b(?:please|pls|plz|kindly)\s+(?:add|increase|raise|upgrade|send|quote|prepare|provision|bump|enable|include|move|switch|turn)\b|\b(?:send|prepare)\b.{0,30}\b(?:quote|order form|contract|proposal|paperwork)\b|\bready to (?:go|buy|sign|add)\b|\b(?:we'?ve|we have)? decided to\b|\bwe'?ll (?:take|buy|purchase)\b|\bwe will (?:buy|purchase|take)\b|\blet'?s (?:do|buy|add|go)\b|\bgo ahead\b|\bwho (?:do|should|can|could) (?:i|we) (?:talk|speak|reach out|get in touch) (?:to|with)\b|\bwho handles the (?:contract|order|paperwork|quote)\b|\bput (?:me|us) in touch with\b|\bwe(?:'d| would) (?:buy|order|purchase|sign|commit to)\b|\bwe(?:'d| would) take (?!a look)", 0.7),
    _cue("buying.urgent", "buying_cue", r"\b(?:asap|urgently|right away|immediately)\b", 0.5),
    _cue("curious.exploring", "curious_cue", r"\b(?:curious|curiosity|wondering|wondered|exploring|exploratory|just asking|out of interest|hypothetically|no timeline|not urgent|at some point|eventually|down the line|in passing|might|maybe|may|some point|tell me (?:more )?about|learn(?:ing)? (?:more )?about|overview|one-pager)\b", 0.6),
    _cue("curious.question", "curious_cue", r"^(?:hi\W+|hey\W+|hello\W+)?(?:what|how|is|are|do|does|can|could|would|will)\b[^.!]*\?\s*$", 0.4),
)

# Customers who write in their own language (Portuguese, Spanish, Italian, French, German,
# Polish, Japanese): the commonest ways to ask for more users, capacity, a higher plan, a
# module, another product, a broader rollout or a volume price, and to say the opposite
# (fewer, cheaper, cancel, another vendor, not needed, a support problem). The statistical
# models have seen little such text, so without these a Polish or Japanese request reads as
# nothing. Deliberately general phrasings, not any one writer's.
_INTL_SIGNAL_RULES: tuple[PhraseRuleSpec, ...] = (
    _signal("seats.intl_more_users", "seats", r"\b(?:mais|más|più|weitere|zusätzliche|mehr|więcej|nowych|dodatkowych|nuovi|nouveaux|nuevos|novos)\s+(?:\d+\s+)?(?:usuários|usuarios|utilizadores|utenti|utilisateurs|benutzer\w*|nutzer\w*|użytkownik\w*|licenças|licencias|licenze|lizenzen|licencj\w*|acessos|accessi|accès|zugänge)|\b(?:usuários|usuarios|utilizadores|utenti|utilisateurs|licenças|licencias|licenze|licences)\s+(?:a mais|adicionais|adicionales|in più|supplémentaires|extra)\b|\bun utente in più\b|\bplus d'utilisateurs\b|\b(?:adicionar|incluir|criar|añadir|agregar|aggiungere|attivare|ajouter|créer|dodać|dokupić|hinzufügen)\s+(?:mais\s+|más\s+|\d+\s+)*(?:novos\s+|nuevos\s+|nuovi\s+|nouveaux\s+)?(?:usuários|usuarios|utilizadores|utenti|utilisateurs|użytkownik\w*|licenças|licencias|licenze|licences|licencj\w*|benutzer|nutzer|lizenzen)|(?:ユーザー|アカウント|ライセンス).{0,12}(?:追加|増や)", 2.0),
    _signal("capacity.intl_more_space", "capacity", r"\b(?:mais|más|più|mehr|więcej|plus d')\s*(?:espaço|espacio|spazio|espace|armazenamento|almacenamiento|stockage|speicher\w*|miejsca|przestrzeni|capacidade|capacidad|capacità|kapazität|kontakte)|\b(?:aumentar|ampliar|subir|aumentare|alzare|ampliare|augmenter|relever|étendre|zwiększyć|podnieść)\s+(?:o |a |el |la |il |lo |le |notre |nasz\w* )?(?:limite|límite|limit|quota|cuota|cota|espaço|espacio|spazio|espace|armazenamento|almacenamiento|stockage|capacidade|capacidad|capacità|capacité|przestrzeń|pojemność)|\b(?:limit|kontingent|speicher\w*|kapazität)\w*\s+(?:erhöhen|aufstocken|erweitern)\b|\b(?:erhöhung|aufstockung|erweiterung)\s+(?:des|der|unseres|unserer)\s+(?:limits?|kontingents?|speicher\w*|kapazität)|(?:上限|容量|ストレージ).{0,10}(?:上げ|増や|追加|拡張)", 2.0),
    _signal("tier.intl_higher_plan", "tier_upgrade", r"\b(?:passar|mudar|migrar|pasar|cambiar|subir|passare|passiamo|passer|passons|przejść|przejście|zmienić)\w*\s+(?:\w+\s+){0,4}?(?:para o|para a|ao|a|al|à|au|en|na|do)\s+(?:plano\s+|plan\s+|piano\s+|formule\s+|offre\s+|l'offre\s+|l'abonnement\s+|pakiet\w*\s+|la formule\s+|wersj\w+\s+)?(?:pro|premium|enterprise|business|profissional|profesional|professionale|avançado|avanzado|avanzato|expert|superior|superiore|supérieure|wyższ\w+)\b|\b(?:plano|plan|piano|formule|formula|pakiet|paket|tarif)\s+(?:superior|superiore|supérieure|mais completo|más completo|più completo|wyższy)\b|\bwyższ\w+\s+(?:pakiet|plan|wersj)\w*|\bvon\s+\w+\s+auf\s+(?:pro|premium|enterprise|business|growth|professional|plus)\b|\bhöher\w*\s+(?:paket|tarif|plan)\b|上位プラン|アップグレード", 2.0),
    _signal("addon.intl_module", "add_on", r"\b(?:adicionar|contratar|ativar|incluir|añadir|activar|aggiungere|acquistare|ajouter|activer|souscrire|dokupić|dodać|aktywować|zamówić)\s+(?:o |a |el |la |il |lo |le |au |à )?(?:módulo|modulo|moduł|module|complemento|pacote|paquete|pacchetto|pakiet|option)\b|\b(?:modul|paket|zusatzmodul|option)\w*\s+(?:\w+\s+)?(?:buchen|hinzubuchen|dazubuchen|aktivieren)\b|(?:モジュール|オプション|プレミアムサポート).{0,15}(?:追加|契約|導入|について)", 2.0),
    _signal("cross.intl_interest", "cross_sell", r"\binteresuje nas\b|\bwir interessieren uns für\b|\b(?:estamos|estou|estoy) interesad?\w* (?:em|en|no|na|nel)\b|\bnos interesa\b|\bci interessa\b|\bnous sommes intéressés par\b|\b(?:vocês|ustedes|voi|vous) (?:vendem|venden|vendete|vendez)\b|について興味|に興味があります", 1.4),
    _signal("scale.intl_new_site", "scale", r"\b(?:nova|nueva|nuova|nouvelle|neue|nowa|nowy|nowej|nowym)\s+(?:unidade|filial|sede|loja|tienda|oficina|negozio|agence|filiale|niederlassung|standort|oddział\w*|placówk\w*|spółk\w*)\b|\bspółka córka\b|\bwdroż\w+\b|\b(?:expandir|ampliar|estender|extender|estendere|étendre|erweitern|rozszerzyć)\b.{0,30}\b(?:todas|todos|tutte|tutti|toutes|tous|alle|wszystkie)\b|(?:支社|支店|拠点).{0,20}(?:導入|使用|利用)", 2.0),
    _signal("volume.intl_discount", "volume_pricing", r"\b(?:desconto|descuento|sconto|remise|rabatt|rabat|mehrjahresvertrag)\w*\b|割引", 2.0),
    # Dutch, and German phrasings the rules above missed (round 13: a stranger's asks wholly in
    # Dutch or German read none with no rule firing)
    _signal("seats.intl_nl", "seats", r"\b(?:extra|meer|nieuwe|aanvullende)\s+(?:\d+\s+)?(?:gebruikers|licenties|werkplekken)\b|\b(?:gebruikers|licenties)\s+(?:erbij|toevoegen|bijkopen|bijbestellen)\b|\b(?:toevoegen|bijkopen|bijbestellen)\s+(?:van\s+)?(?:\d+\s+)?(?:extra\s+)?(?:gebruikers|licenties)\b", 2.0),
    _signal("capacity.intl_nl", "capacity", r"\b(?:meer|extra)\s+(?:opslag|opslagruimte|ruimte|capaciteit|tegoed)\b|\b(?:limiet|opslag|quota|quotum)\s+(?:verhogen|uitbreiden|ophogen|vergroten)\b|\b(?:verhogen|uitbreiden|ophogen|vergroten)\s+(?:van\s+)?(?:de|ons|onze)\s+(?:limiet|opslag|quota|quotum)\b", 2.0),
    _signal("tier.intl_nl", "tier_upgrade", r"\b(?:overstappen|upgraden|overgaan)\s+(?:\w+\s+){0,3}?naar\s+(?:het\s+)?(?:pakket\s+|abonnement\s+)?(?:pro|premium|enterprise|business|plus|professional)\b|\b(?:hoger|groter|uitgebreider)e?\s+(?:pakket|abonnement|plan)\b", 2.0),
    _signal("addon.intl_interest", "add_on", r"\binteresse an (?:dem|der|einem|einer|unserem)\s+(?:[\w-]+\s+)?(?:zusatzmodul|modul|paket|option|erweiterung|add-?on)\w*\b|\binteresse in (?:de|het|een)\s+(?:[\w-]+\s+)?(?:module|pakket|optie|add-?on|uitbreiding)\b|\b(?:module|pakket|optie)\s+(?:erbij|bijkopen|toevoegen|afnemen)\b", 2.0),
    _signal("scale.intl_nl_de", "scale", r"\b(?:uitrollen|uitrol|uitbreiden)\s+(?:\w+\s+){0,4}?(?:naar|over|bij)\b|\b(?:ausrollen|einführen|ausweiten)\s+(?:\w+\s+){0,4}?(?:auf|bei|für)\s+(?:unsere[nmr]?|die|den|das|alle)\b|\b(?:auf|in|bei) (?:unsere[nmr]?|alle) (?:\w+\s+)?(?:standorte|filialen|niederlassungen|tochtergesellschaft\w*)\b.{0,40}\b(?:einführen|nutzen|ausrollen|ausweiten)\b", 2.0),
    _signal("volume.intl_nl_de", "volume_pricing", r"\b(?:staffelkorting|volumekorting|mengenrabatt\w*|staffelpreis\w*|rabatt bei)\b", 2.0),
)
_INTL_CONFLICT_RULES: tuple[PhraseRuleSpec, ...] = (
    _conflict("conflict.intl_reduce", "reduce", r"\b(?:reduzir|diminuir|reducir|disminuir|ridurre|réduire|reduzieren|verringern|zmniejszyć|tirar|remover|quitar|eliminar|togliere|rimuovere|retirer|supprimer|entfernen|usunąć)\b|(?:減ら|削減|外し)"),
    _conflict("conflict.intl_cheaper", "downgrade", r"\b(?:mais barat\w+|más barat\w+|più economic\w+|moins cher\w*|günstiger\w*|tańsz\w+)\b|下位プラン"),
    _conflict("conflict.intl_cancel", "cancel", r"\b(?:cancelar|cancelamento|cancelación|disdetta|disdire|résilier|résiliation|kündigen|kündigung|rezygnujemy|rezygnacj\w+|wypowiedzeni\w*)\b|解約"),
    _conflict("conflict.intl_other_vendor", "alternatives", r"\b(?:outros fornecedores|otros proveedores|altri fornitori|autres fournisseurs|andere anbieter|przetarg\w*|inn\w+ dostawc\w*)\b|他社|比較検討"),
)
_INTL_NEGATION_RULES: tuple[PhraseRuleSpec, ...] = (
    _negation("neg.intl_no_need", r"\b(?:não precisamos|no necesitamos|non abbiamo bisogno|nous n'avons pas besoin|wir brauchen keine|nie potrzebujemy|nie planujemy)\b|考えておりません"),
    _negation("neg.intl_nl_no_need", r"\b(?:niet|geen)\s+(?:\w+\s+){0,3}?nodig\b|\bgeen (?:behoefte|interesse)\b|\bkein(?:e|en)? (?:bedarf|interesse)\b"),
    _negation("neg.intl_support", r"\b(?:como faço|cómo (?:puedo|hago)|come posso|comment (?:puis|faire)|wie kann ich|jak (?:zmienić|mogę|zrobić)|não abre|não funciona|no funciona|non funziona|ne fonctionne pas|funktioniert nicht|nie działa|nie mogę|nie synchronizuje|errad\w|erróne\w+|korygując\w*)\b|できません|届きません|エラー"),
    _negation("neg.intl_already", r"\b(?:já estão|ya están|sono già|sont déjà|sind bereits|już działa\w*)\b|導入した|稼働しております"),
)
_INTL_INTENT_RULES: tuple[PhraseRuleSpec, ...] = (
    _cue("buying.intl_quote", "buying_cue", r"\b(?:orçamento|proposta|cotação|presupuesto|cotización|preventivo|offerta|devis|angebot|ofert\w+|umow\w+)\b|見積|稟議", 0.6),
    # a number of users or licences in German, Dutch, French, Spanish, Italian or Portuguese
    # ("drei weitere Lizenzen", "vijf extra gebruikers"): the English buying.quantity for them,
    # stronger, as the intent model reads little German or Dutch
    _cue("buying.intl_quantity", "buying_cue", r"\b(?:\d+|zwei|drei|vier|fünf|sechs|zehn|twee|drie|vijf|zes|tien|deux|trois|quatre|cinq|six|dix|dos|tres|cuatro|cinco|seis|diez|due|tre|quattro|cinque|sei|dieci|dois|duas|três|quatro|dez)\s+(?:(?:weitere|zusätzliche|neue|extra|nieuwe|supplémentaires|nouveaux|nouvelles|más|adicionales|nuevas|nuevos|altre|altri|nuove|nuovi|mais|novas|novos|adicionais)\s+)?(?:lizenzen|nutzer|benutzer|plätze|licenties|gebruikers|utilisateurs|licencias|usuarios|licenze|utenti|licenças|usuários|utilizadores)\b", 0.8),
)

# fmt: on

DEFAULT_PHRASE_RULES: tuple[PhraseRuleSpec, ...] = (
    _SIGNAL_RULES
    + _INTL_SIGNAL_RULES
    + _CONFLICT_RULES
    + _INTL_CONFLICT_RULES
    + _NEGATION_RULES
    + _INTL_NEGATION_RULES
    + _INTENT_RULES
    + _INTL_INTENT_RULES
)
