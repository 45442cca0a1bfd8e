"""ACLED coder statements: "Total fatalities coded as 14", "split between the 2 locations".

Why a module of its own: ACLED notes end with the figure the coder chose, in a small
language of their own ("Fatalities coded as 0 (VoJ reported 4)", "Unknown fatalities coded as
10 and split between the 2 locations", "Fatalities are split across 3 events (5)"). These
are regular expressions over the sentence text, not parse reading, and when present they win
over every figure read from the text. News text does not speak of coding, so none of this
fires on articles.
"""

from __future__ import annotations

import re

from spacy.tokens import Span as SpacySpan

from eventcoder.death_mentions import DeathMention
from eventcoder.quantities import word_value

_N = r"(?:\d+|[a-z]+)"
_CODER_CODED = re.compile(
    rf"(?i)\bcoded\s+(?:the\s+)?(?:fatalit(?:y|ies)|deaths)\s+(?:to|as|at)\s+(?P<n2>{_N})"
    rf"|total\s+(?:number\s+of\s+)?fatalit(?:y|ies)(?:\s+count)?,?\s+"
    rf"(?:is|was|of|are|=|stands\s+at)"
    rf"\s+(?P<n3>{_N})"
    rf"|total\s+(?:number\s+of\s+)?fatalit(?:y|ies),\s+(?P<n5>\d+),"
    rf"|\(\s*(?P<n4>\d+)\s+fatalit(?:y|ies)\s+(?:recorded|coded)\s+in\s+total\s*\)"
    rf"|\b(?:are|is|were|was)\s+assumed\s+(?:to\s+be\s+|as\s+|at\s+)?(?P<n6>\d+|ten)\b"
    rf"|\brecorded\s+at\s+(?P<n7>\d+)\b"
    rf"|\bcoded\s+(?:as|to|at|with)?\s*(?:an?\s+additional\s+|another\s+|the\s+)?"
    rf"(?P<n>{_N}(?:-[a-z]+)?)"
    r"(?=\s|[.,;)]|$)"
)
_CODER_SPLIT = re.compile(r"(?i)\b(?:split|spread|distributed|divided|shared)\b(?P<rest>[^.;]*)")
_SPLIT_EACH: tuple[re.Pattern[str], ...] = (
    re.compile(rf"(?i)(?:^|[\s,(])(?P<n>{_N})\s+(?:fatalit(?:y|ies)\s+)?each\b"),
    re.compile(
        rf"(?i)\beach\s+(?:location\s+|event\s+|area\s+|site\s+)?(?:being\s+|was\s+)?"
        rf"(?:allocated|assigned|coded(?:\s+with)?|given)\s+(?P<n>{_N})"
    ),
    re.compile(r"(?i)(?:events?|locations?|areas?)\s*\((?P<n>\d+)\)"),
)
_SPLIT_TARGETS = re.compile(
    rf"(?i)\b(?:between|across|among|over|on|into|to)\s+(?:the\s+|all\s+)?(?:first\s+)?"
    rf"(?:(?P<n>{_N})\s+(?:events?|locations?|areas?|places?|villages?|towns?|activities|"
    r"fronts?|sites?|points?|clash\s+areas|districts?|neighbou?rhoods?)\b"
    r"|(?P<names>.+))"
)
_ALLOCATED_EACH = re.compile(
    rf"(?i)\b(?P<n>{_N})\s+fatalit(?:y|ies)\s+(?:(?:was\s+|were\s+|is\s+|are\s+)?"
    r"(?:allocated|assigned|coded|given)\s+to\s+each\b|each\b)"
)
_CODER_UNKNOWN = re.compile(
    r"(?i)\b(?:unknown|unkonwn|unspecified|suspected|assumed|additional|unclear|another)\b"
)


def read_coder_statements(sentence: SpacySpan, index: int) -> list[DeathMention]:
    """ACLED coder statements: "Total fatalities coded as 14", "split between the 2 locations".

    News text does not talk about coding fatalities, so none of this fires on articles; the
    split statements also need a death word in the sentence.
    """
    text = sentence.text
    base = sentence.start_char
    found: list[DeathMention] = []
    for match in _CODER_CODED.finditer(text):
        groups = (match.group(k) for k in ("n2", "n3", "n5", "n4", "n6", "n7", "n"))
        number = next((g for g in groups if g), "")
        value = word_value(number)
        if value is None:
            continue
        before = text[: match.start()]
        if re.search(r"(?i)\btotal\b", before[-80:] + match.group(0)) or any(
            match.group(k) for k in ("n3", "n4", "n5")
        ):
            kind = "coded"
        elif _CODER_UNKNOWN.search(before[-120:] + match.group(0)):
            kind = "coded_unknown"
        elif re.search(r"(?i)fatalit|casualt|death|killed|dead", before + match.group(0)):
            kind = "coded"
        else:
            continue
        found.append(
            DeathMention(
                value,
                base + match.start(),
                base + match.end(),
                match.group(0),
                kind,
                index,
                note="the coder's figure",
            )
        )
    allocated = _ALLOCATED_EACH.search(text)
    if allocated is not None and word_value(allocated.group("n")) is not None:
        found.append(
            DeathMention(
                word_value(allocated.group("n")) or 0,
                base + allocated.start(),
                base + allocated.end(),
                allocated.group(0),
                "split",
                index,
                note="the figure allocated to each event",
            )
        )
    elif re.search(r"(?i)fatalit|casualt|death|coded", text):
        for match in _CODER_SPLIT.finditer(text):
            split = _split_mention(match, base, index)
            if split is not None:
                found.append(split)
                break
    return found


def _split_mention(match: re.Match[str], base: int, index: int) -> DeathMention | None:
    """A split statement: count >= 0 is the figure for each event, -n means "divide by n"."""
    rest = match.group("rest")
    for each in (m for pattern in _SPLIT_EACH for m in pattern.finditer(rest)):
        value = word_value(each.group("n"))
        if value is not None:
            return DeathMention(
                value,
                base + match.start(),
                base + match.end(),
                match.group(0),
                "split",
                index,
                note="the figure allocated to each event",
            )
    targets = _SPLIT_TARGETS.search(rest)
    if targets is None:
        return None
    events: int | None = None
    if targets.group("n"):
        events = 2 if targets.group("n").lower() == "both" else word_value(targets.group("n"))
    elif targets.group("names"):
        names = re.split(r"(?i)\s+(?:with|as follows|where)\b|[(:]", targets.group("names"))[0]
        names = re.sub(
            r"(?i)^(?:the\s+)?(?:activities|events|fighting|clashes)\s+(?:in|at)\s+"
            r"(?:locations\s+)?",
            "",
            names.strip(),
        )
        items = [x for x in re.split(r"(?i)\s*,\s*(?:and\s+)?|\s+and\s+", names) if x.strip()]
        if names.strip().lower() in ("events", "the events", "locations", "the locations"):
            items = []
        events = len(items) if len(items) >= 2 else None
    if events is None or events < 2:
        return None
    return DeathMention(
        -events,
        base + match.start(),
        base + match.end(),
        match.group(0),
        "split",
        index,
        note=f"split between {events} events",
    )
