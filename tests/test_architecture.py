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
    offenders = [
        p.name for p in (ROOT / "htq").rglob("*.py") if any(m.split(".")[0] == "streamlit" for m in imports(p))
    ]
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
    for path in (ROOT / "htq").rglob("*.py"):
        if path != ROOT / "htq" / "ingest" / "sources.py":
            assert not {"requests", "urllib.request", "http.client", "socket"} & set(imports(path)), path.name


def _module_path(name: str):
    """The file of a first-party module (htq.x, htq.ingest.x, ui, panels.x), or None."""
    parts = name.split(".")
    for candidate in (ROOT.joinpath(*parts).with_suffix(".py"), ROOT.joinpath(*parts, "__init__.py")):
        if candidate.is_file():
            return candidate
    return None


def _imported_by(path) -> set[str]:
    """Every first-party module `path` imports (at any depth, lazy imports inside functions included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return {name for name in found if _module_path(name) is not None}


def test_nothing_the_app_imports_pulls_in_the_ingest_package():
    """Network access happens only at refresh time: no page, panel or module they use imports htq.ingest."""
    roots = [ROOT / "app.py", ROOT / "ui.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "panels").glob("*.py")]
    seen: dict[str, str] = {}
    todo = [(name, str(path.name)) for path in roots for name in _imported_by(path)]
    while todo:
        name, via = todo.pop()
        if name in seen:
            continue
        seen[name] = via
        todo += [(child, name) for child in _imported_by(_module_path(name))]
    pulled = {name: via for name, via in seen.items() if name == "htq.ingest" or name.startswith("htq.ingest.")}
    assert not pulled, f"the app imports the ingest package: {pulled}"
    assert {"htq.snapshot", "htq.match", "htq.store"} <= set(seen)  # the walk does reach the app's modules


def test_readme_layout_names_every_module_and_page():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in [
        *(ROOT / "htq").rglob("*.py"),
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


def test_every_error_meant_for_the_user_shares_one_base():
    """Pages and the CLI catch HTQError alone: every public *Error class in htq must derive from it."""
    import importlib
    import inspect

    from htq.errors import HTQError

    found = []
    for path in sorted((ROOT / "htq").rglob("*.py")):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for name, cls in inspect.getmembers(importlib.import_module(module), inspect.isclass):
            if name.endswith("Error") and not name.startswith("_") and cls.__module__ == module:
                found.append(name)
                assert issubclass(cls, HTQError), f"{module}.{name} does not derive from HTQError"
    assert {"DocumentError", "SpreadsheetError", "ProgrammeError", "StoreError", "RefreshError"} <= set(found)


def test_no_error_message_is_rewritten():
    """A message is written once, where the error is raised: nothing edits one on the way to the user."""
    for path in [*(ROOT / "htq").rglob("*.py"), *(ROOT / "panels").glob("*.py"), ROOT / "ui.py"]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"str\((exc|error|e|err)\)\.replace\(", text), path.name
