"""The shared page glue's pure helpers (ui.py), without a running page."""

import re

import pytest

import ui

SPECIAL = "\\`*_{}[]<>()#+-.!|~$"


@pytest.mark.parametrize(
    "typed",
    [
        "**Bold** _italic_ `code`",
        "[a link](https://example.org) ![img](x.png)",
        "<script>alert(1)</script> <b>html</b>",
        "# heading\n- bullet\n1. item\n> quote",
        "$x^2$ ~~struck~~ a|b|c",
        "C:\\path\\to\\file",
        "",
    ],
)
def test_user_text_is_escaped_so_markdown_shows_it_as_typed(typed):
    shown = ui.plain(typed)
    # every character Streamlit's markdown would read as markup carries a backslash …
    assert not re.search(r"(?<!\\)[`*_{}\[\]<>()#+\-.!|~$]", re.sub(r"\\.", "", shown))
    # … and removing those backslashes gives back exactly what was typed
    assert re.sub(r"\\(.)", r"\1", shown) == typed


def test_none_and_plain_words_pass_through():
    assert ui.plain(None) == ""
    assert ui.plain("Software developer") == "Software developer"
    assert all(ui.plain(c) == "\\" + c for c in SPECIAL)
