from autopilot.templatetags.telegram import telegram_html


def test_telegram_tags_render_and_the_texts_entities_stay_entities():
    text = "<b>TikTok report: Glow &lt;Corner&gt; &amp; Co</b>\nCPL: <i>2,000 KZT</i>"

    assert telegram_html(text) == "<b>TikTok report: Glow &lt;Corner&gt; &amp; Co</b>\nCPL: <i>2,000 KZT</i>"


def test_anything_else_is_escaped():
    text = '<script>alert(1)</script><b onclick="x">hi</b><a href="javascript:x">link</a> 3 < 4 & 5 > 2'

    assert telegram_html(text) == (
        "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b onclick=&quot;x&quot;&gt;hi</b>"
        "&lt;a href=&quot;javascript:x&quot;&gt;link&lt;/a&gt; 3 &lt; 4 &amp; 5 &gt; 2"
    )
