import pytest

from sandbox.emulators.telegram.markup import EntityParseError, parse


def test_plain_text_is_trimmed_and_has_no_entities():
    assert parse("  hello <b>  ", None) == parse("hello <b>", None)
    assert parse("  hello <b>  ", None).text == "hello <b>"
    assert parse("  hello <b>  ", None).entities == []


def test_html_entities_offsets_and_references():
    formatted = parse('<b>bold</b> <i>it</i> <a href="https://x.y/?a=1&amp;b=2">link</a>', "HTML")
    assert formatted.text == "bold it link"
    assert formatted.entities == [
        {"offset": 0, "length": 4, "type": "bold"},
        {"offset": 5, "length": 2, "type": "italic"},
        {"offset": 8, "length": 4, "type": "text_link", "url": "https://x.y/?a=1&b=2"},
    ]


def test_html_offsets_count_utf16_units():
    formatted = parse("😀 <b>x</b> &lt;tag&gt; &#65;", "HTML")
    assert formatted.text == "😀 x <tag> A"
    assert formatted.entities == [{"offset": 3, "length": 1, "type": "bold"}]


def test_html_nesting_pre_language_spoiler_and_quote():
    assert parse("<b>x<i>y</i></b>", "HTML").entities == [
        {"offset": 0, "length": 2, "type": "bold"},
        {"offset": 1, "length": 1, "type": "italic"},
    ]
    assert parse('<pre><code class="language-python">print(1)</code></pre>', "html").entities == [
        {"offset": 0, "length": 8, "type": "pre", "language": "python"}
    ]
    assert parse('<span class="tg-spoiler">s</span> <tg-spoiler>t</tg-spoiler>', "HTML").entities == [
        {"offset": 0, "length": 1, "type": "spoiler"},
        {"offset": 2, "length": 1, "type": "spoiler"},
    ]
    assert parse("<blockquote>q</blockquote>", "HTML").entities == [{"offset": 0, "length": 1, "type": "blockquote"}]


def test_trimming_shifts_entities():
    formatted = parse("  <b>hi</b>  ", "HTML")
    assert (formatted.text, formatted.entities) == ("hi", [{"offset": 0, "length": 2, "type": "bold"}])


@pytest.mark.parametrize(
    "source,message",
    [
        ("<x>a</x>", 'Unsupported start tag "x" at byte offset 0'),
        ("é<br>", 'Unsupported start tag "br" at byte offset 2'),
        ("<b>a</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<b>a", 'Can\'t find end tag corresponding to start tag "b"'),
        ("a <b", "Unclosed start tag at byte offset 2"),
    ],
)
def test_html_errors_use_telegram_wording(source, message):
    with pytest.raises(EntityParseError) as caught:
        parse(source, "HTML")
    assert str(caught.value) == message


def test_markdown_v2_entities_and_escapes():
    formatted = parse("*bold* _it_ __u__ ~s~ ||sp|| `code` [l](http://a.b/c\\)d) 1\\.5", "MarkdownV2")
    assert formatted.text == "bold it u s sp code l 1.5"
    assert formatted.entities == [
        {"offset": 0, "length": 4, "type": "bold"},
        {"offset": 5, "length": 2, "type": "italic"},
        {"offset": 8, "length": 1, "type": "underline"},
        {"offset": 10, "length": 1, "type": "strikethrough"},
        {"offset": 12, "length": 2, "type": "spoiler"},
        {"offset": 15, "length": 4, "type": "code"},
        {"offset": 20, "length": 1, "type": "text_link", "url": "http://a.b/c)d"},
    ]


def test_markdown_v2_pre_and_blockquote():
    assert parse("```python\nprint(1)\n```", "MarkdownV2").entities == [{"offset": 0, "length": 8, "type": "pre", "language": "python"}]
    quoted = parse(">quote line\n>second\nafter", "MarkdownV2")
    assert quoted.text == "quote line\nsecond\nafter"
    assert quoted.entities == [{"offset": 0, "length": 17, "type": "blockquote"}]


@pytest.mark.parametrize(
    "source,message",
    [
        ("Total: 1.5", "Character '.' is reserved and must be escaped with the preceding '\\'"),
        ("é *bold", "Can't find end of Bold entity at byte offset 3"),
        ("`code", "Can't find end of Code entity at byte offset 0"),
        ("[x]y", "Can't find end of a URL at byte offset 2"),
    ],
)
def test_markdown_v2_errors(source, message):
    with pytest.raises(EntityParseError) as caught:
        parse(source, "MarkdownV2")
    assert str(caught.value) == message


def test_legacy_markdown():
    formatted = parse("*b* _i_ `c` [t](http://u) 1.5 \\*", "Markdown")
    assert formatted.text == "b i c t 1.5 *"
    assert formatted.entities == [
        {"offset": 0, "length": 1, "type": "bold"},
        {"offset": 2, "length": 1, "type": "italic"},
        {"offset": 4, "length": 1, "type": "code"},
        {"offset": 6, "length": 1, "type": "text_link", "url": "http://u"},
    ]
    with pytest.raises(EntityParseError, match="Can't find end of the entity starting at byte offset 0"):
        parse("*open", "Markdown")
