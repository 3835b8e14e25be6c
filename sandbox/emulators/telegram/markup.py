"""Telegram's ``parse_mode`` handling: formatted text in, plain text and ``entities`` out, as the
Bot API returns them in the sent ``Message``.

Offsets and lengths are in UTF-16 code units, as Telegram counts them. Errors carry Telegram's
wording (the part after "Bad Request: can't parse entities: "), with byte offsets into the UTF-8
source. Covers HTML (the tags the Bot API documents), MarkdownV2 (entities, escaping rules,
block quotes) and legacy Markdown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

PARSE_MODES = ("HTML", "MarkdownV2", "Markdown")


class EntityParseError(ValueError):
    """Formatted text Telegram would refuse; ``str(exc)`` is Telegram's description of it."""


@dataclass
class Formatted:
    text: str
    entities: list[dict] = field(default_factory=list)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def parse(text: str, parse_mode: str | None) -> Formatted:
    """Parse ``text`` in ``parse_mode`` (None: plain), then trim surrounding whitespace."""
    if not parse_mode:
        formatted = Formatted(text)
    elif parse_mode.lower() == "html":
        formatted = _Builder.run(_parse_html, text)
    elif parse_mode.lower() == "markdownv2":
        formatted = _Builder.run(_parse_markdown_v2, text)
    elif parse_mode.lower() == "markdown":
        formatted = _Builder.run(_parse_markdown, text)
    else:
        raise ValueError(parse_mode)
    return _strip(formatted)


def _strip(formatted: Formatted) -> Formatted:
    """Telegram trims the message; entities are shifted and clipped to what remains."""
    text = formatted.text
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    stripped = text.strip()
    size = utf16_len(stripped)
    entities = []
    for entity in formatted.entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, size)
        if end > start:
            entities.append({**entity, "offset": start, "length": end - start})
    return Formatted(stripped, entities)


class _Builder:
    """Accumulates output text with a running UTF-16 position, and the entities found."""

    def __init__(self, source: str):
        self.source = source
        self.parts: list[str] = []
        self.pos = 0
        self.entities: list[dict] = []

    @classmethod
    def run(cls, parser, source: str) -> Formatted:
        builder = cls(source)
        parser(builder)
        ordered = sorted(builder.entities, key=lambda e: (e["offset"], -e["length"]))
        return Formatted("".join(builder.parts), ordered)

    def write(self, text: str) -> None:
        self.parts.append(text)
        self.pos += utf16_len(text)

    def add(self, kind: str, start: int, **extra) -> None:
        if self.pos > start:
            self.entities.append({"offset": start, "length": self.pos - start, "type": kind, **extra})

    def byte_offset(self, index: int) -> int:
        return len(self.source[:index].encode())


# --- HTML ---------------------------------------------------------------------------------

_HTML_SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
}
_ATTRIBUTE = re.compile(r"""([a-zA-Z_:-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_NAMED_REFS = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_REFERENCE = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);")


def _unescape(text: str) -> str:
    def replace(match: re.Match) -> str:
        name = match.group(1)
        if name.startswith("#x"):
            return chr(int(name[2:], 16))
        if name.startswith("#"):
            return chr(int(name[1:]))
        return _NAMED_REFS.get(name, match.group(0))

    return _REFERENCE.sub(replace, text)


def _parse_html(out: _Builder) -> None:
    source = out.source
    stack: list[tuple[str, str | None, int, dict]] = []  # (tag, entity type, start, extra)
    i = 0
    while i < len(source):
        char = source[i]
        if char == "&":
            match = _REFERENCE.match(source, i)
            if match:
                out.write(_unescape(match.group(0)))
                i = match.end()
                continue
        if char != "<":
            out.write(char)
            i += 1
            continue
        end = source.find(">", i)
        if end == -1:
            raise EntityParseError(f"Unclosed start tag at byte offset {out.byte_offset(i)}")
        raw = source[i + 1 : end].strip()
        if raw.startswith("/"):
            name = raw[1:].strip().lower()
            if not stack:
                raise EntityParseError(f"Unexpected end tag at byte offset {out.byte_offset(i)}")
            tag, kind, start, extra = stack.pop()
            if tag != name:
                raise EntityParseError(f'Unmatched end tag at byte offset {out.byte_offset(i)}, expected "</{tag}>", found "</{name}>"')
            if kind == "code" and stack and stack[-1][1] == "pre" and "language" in extra:
                # <pre><code class="language-x"> is one pre entity with a language.
                pre_tag, pre_kind, pre_start, pre_extra = stack[-1]
                stack[-1] = (pre_tag, pre_kind, pre_start, {**pre_extra, "language": extra["language"]})
            elif kind:
                out.add(kind, start, **{k: v for k, v in extra.items() if not (kind == "code" and k == "language")})
        else:
            name, _, rest = raw.partition(" ")
            name = name.rstrip("/").lower()
            attributes = {m.group(1).lower(): _unescape(m.group(2) or m.group(3) or m.group(4) or "") for m in _ATTRIBUTE.finditer(rest)}
            kind, extra = _html_entity(name, attributes, out.byte_offset(i))
            stack.append((name, kind, out.pos, extra))
        i = end + 1
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')


def _html_entity(name: str, attributes: dict[str, str], byte_offset: int) -> tuple[str | None, dict]:
    if name in _HTML_SIMPLE:
        extra = {}
        language_class = attributes.get("class", "")
        if name == "code" and language_class.startswith("language-"):
            extra["language"] = language_class.removeprefix("language-")
        return _HTML_SIMPLE[name], extra
    if name == "span" and attributes.get("class") == "tg-spoiler":
        return "spoiler", {}
    if name == "a":
        href = attributes.get("href", "")
        return ("text_link", {"url": href}) if href else (None, {})
    if name == "blockquote":
        return ("expandable_blockquote" if "expandable" in attributes else "blockquote"), {}
    if name == "tg-emoji" and attributes.get("emoji-id"):
        return "custom_emoji", {"custom_emoji_id": attributes["emoji-id"]}
    raise EntityParseError(f'Unsupported start tag "{name}" at byte offset {byte_offset}')


# --- MarkdownV2 ---------------------------------------------------------------------------

_V2_RESERVED = set("_*[]()~`>#+-=|{}.!")
_V2_TOGGLES = {"*": "bold", "_": "italic", "__": "underline", "~": "strikethrough", "||": "spoiler"}
_V2_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "text_link": "TextUrl",
}


def _reserved(char: str) -> EntityParseError:
    return EntityParseError(f"Character '{char}' is reserved and must be escaped with the preceding '\\'")


def _read_until(source: str, index: int, closer: str, escapable: str) -> tuple[str, int] | None:
    """Text from ``index`` up to an unescaped ``closer`` (only ``escapable`` and ``\\`` can be
    escaped inside); returns (text, index after closer) or None when there is no closer."""
    parts = []
    i = index
    while i < len(source):
        if source[i] == "\\" and i + 1 < len(source) and (source[i + 1] in escapable or source[i + 1] == "\\"):
            parts.append(source[i + 1])
            i += 2
        elif source.startswith(closer, i):
            return "".join(parts), i + len(closer)
        else:
            parts.append(source[i])
            i += 1
    return None


def _parse_markdown_v2(out: _Builder) -> None:
    source = out.source
    stack: list[tuple[str, int, int]] = []  # (type, start, byte offset of the opener)
    quote_start: int | None = None
    i = 0
    while i < len(source):
        at_line_start = i == 0 or source[i - 1] == "\n"
        char = source[i]
        if at_line_start and char == ">":
            if quote_start is None:
                quote_start = out.pos
            i += 1
            continue
        if char == "\n" and quote_start is not None and not source.startswith(">", i + 1):
            out.add("blockquote", quote_start)
            quote_start = None
        if char == "\\" and i + 1 < len(source):
            out.write(source[i + 1])
            i += 2
            continue
        if source.startswith("```", i):
            found = _read_until(source, i + 3, "```", "`")
            if found is None:
                raise EntityParseError(f"Can't find end of Pre entity at byte offset {out.byte_offset(i)}")
            content, i = found
            language, newline, body = content.partition("\n")
            extra = {}
            if newline and language and not re.search(r"\s", language):
                extra, content = {"language": language}, body
            start = out.pos
            out.write(content)
            out.add("pre", start, **extra)
            continue
        if char == "`":
            found = _read_until(source, i + 1, "`", "`")
            if found is None:
                raise EntityParseError(f"Can't find end of Code entity at byte offset {out.byte_offset(i)}")
            content, i = found
            start = out.pos
            out.write(content)
            out.add("code", start)
            continue
        token = "__" if source.startswith("__", i) else "||" if source.startswith("||", i) else char
        if token in _V2_TOGGLES:
            kind = _V2_TOGGLES[token]
            if stack and stack[-1][0] == kind:
                _, start, _ = stack.pop()
                out.add(kind, start)
            elif any(open_kind == kind for open_kind, _, _ in stack):
                _, _, opened_at = next(item for item in stack if item[0] == kind)
                raise EntityParseError(f"Can't find end of {_V2_NAMES[kind]} entity at byte offset {opened_at}")
            else:
                stack.append((kind, out.pos, out.byte_offset(i)))
            i += len(token)
            continue
        if char == "[":
            stack.append(("text_link", out.pos, out.byte_offset(i)))
            i += 1
            continue
        if char == "]" and stack and stack[-1][0] == "text_link":
            _, start, opened_at = stack.pop()
            found = _read_until(source, i + 2, ")", ")") if source.startswith("(", i + 1) else None
            if found is None:
                raise EntityParseError(f"Can't find end of a URL at byte offset {out.byte_offset(i)}")
            url, i = found
            out.add("text_link", start, url=url)
            continue
        if char in _V2_RESERVED:
            raise _reserved(char)
        out.write(char)
        i += 1
    if quote_start is not None:
        out.add("blockquote", quote_start)
    if stack:
        kind, _, opened_at = stack[-1]
        raise EntityParseError(f"Can't find end of {_V2_NAMES[kind]} entity at byte offset {opened_at}")


# --- Legacy Markdown ----------------------------------------------------------------------

_LEGACY = {"*": "bold", "_": "italic"}


def _parse_markdown(out: _Builder) -> None:
    """Legacy Markdown: no nesting; ``\\`` escapes ``_ * ` [`` outside entities."""
    source = out.source
    i = 0
    while i < len(source):
        char = source[i]
        if char == "\\" and i + 1 < len(source) and source[i + 1] in "_*`[":
            out.write(source[i + 1])
            i += 2
            continue
        if char in _LEGACY or char == "`":
            closer = "```" if source.startswith("```", i) else char
            end = source.find(closer, i + len(closer))
            if end == -1:
                raise EntityParseError(f"Can't find end of the entity starting at byte offset {out.byte_offset(i)}")
            content = source[i + len(closer) : end]
            extra = {}
            kind = "pre" if closer == "```" else "code" if closer == "`" else _LEGACY[char]
            if kind == "pre":
                language, newline, body = content.partition("\n")
                if newline and language and not re.search(r"\s", language):
                    extra, content = {"language": language}, body
            start = out.pos
            out.write(content)
            out.add(kind, start, **extra)
            i = end + len(closer)
            continue
        if char == "[":
            close = source.find("]", i + 1)
            if close == -1 or not source.startswith("(", close + 1) or source.find(")", close + 2) == -1:
                raise EntityParseError(f"Can't find end of the entity starting at byte offset {out.byte_offset(i)}")
            url_end = source.find(")", close + 2)
            start = out.pos
            out.write(source[i + 1 : close])
            out.add("text_link", start, url=source[close + 2 : url_end])
            i = url_end + 1
            continue
        out.write(char)
        i += 1
