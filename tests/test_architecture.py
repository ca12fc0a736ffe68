"""House rules that keep the architecture visible."""

import ast
import re

from .conftest import ROOT


def imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_htq_never_imports_streamlit():
    offenders = [p.name for p in (ROOT / "htq").glob("*.py") if any(m.split(".")[0] == "streamlit" for m in imports(p))]
    assert offenders == []


def statements(text: str) -> int:
    """How many statements a script holds (its length, whatever the formatter does to its lines)."""
    return sum(isinstance(node, ast.stmt) for node in ast.walk(ast.parse(text)))


def test_pages_are_thin():
    for page in [ROOT / "app.py", *(ROOT / "pages").glob("*.py")]:
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"\.(groupby|merge|pivot_table|apply)\(|\bimport re\b", text), page.name
        assert statements(text) < 60, f"{page.name} is long: move logic into htq or ui"


def test_panels_leave_data_work_to_the_library():
    """Panels lay out widgets; grouping, joining and reshaping data belong in htq, where tests reach them."""
    for panel in (ROOT / "panels").glob("*.py"):
        text = panel.read_text(encoding="utf-8")
        assert not re.search(r"\.(groupby|merge|pivot_table|apply|pivot|melt)\(|\bimport re\b", text), panel.name


def test_only_sources_touches_the_network():
    for path in (ROOT / "htq").glob("*.py"):
        if path.name != "sources.py":
            assert not {"requests", "urllib.request", "http.client", "socket"} & set(imports(path)), path.name


def test_readme_layout_names_every_module_and_page():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in [
        *(ROOT / "htq").glob("*.py"),
        *(ROOT / "pages").glob("*.py"),
        *(ROOT / "panels").glob("*.py"),
        ROOT / "ui.py",
        ROOT / "app.py",
    ]:
        if path.name != "__init__.py":
            assert path.name in readme, f"README's layout tree does not mention {path.name}"


def test_shared_glue_does_not_depend_on_screens():
    assert not any(m.split(".")[0] == "panels" for m in imports(ROOT / "ui.py"))
    for path in (ROOT / "panels").glob("*.py"):
        assert "pages" not in {m.split(".")[0] for m in imports(path)}, path.name
