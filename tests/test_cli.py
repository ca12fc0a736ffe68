"""The command line contract: `python -m htq match ...`."""

import json
import subprocess
import sys

import pytest

from htq.__main__ import main

from .cli import run_cli
from .conftest import FIXTURES, ROOT
from .docs import encrypt_pdf, make_docx, make_pdf

PROGRAMME = FIXTURES / "programmes" / "software.txt"


run = run_cli  # in-process: the same argv, stdin, output and exit code, without a new interpreter each time


def test_python_m_htq_runs_as_a_program():
    """One real process, so the `python -m htq` entry point and its exit code are exercised as a shell sees them."""
    ok = subprocess.run(
        [sys.executable, "-m", "htq", "match", "--top", "1", str(PROGRAMME)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ok.returncode == 0 and "ST0116" in ok.stdout, ok.stderr
    bad = subprocess.run(
        [sys.executable, "-m", "htq", "match", "missing.txt"], cwd=ROOT, capture_output=True, text=True
    )
    assert bad.returncode == 2 and bad.stderr.startswith("error: ") and "Traceback" not in bad.stderr


def test_a_bug_is_not_dressed_as_a_user_error(monkeypatch):
    """Only HTQError (and OSError) become "error: …" with exit 2; a programming error surfaces as itself."""
    from htq import match

    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(match, "rank", broken)
    with pytest.raises(ValueError, match="a bug"):
        main(["match", str(PROGRAMME)])


def test_match_json_shape():
    out = run("match", "--json", "--top", "3", str(PROGRAMME))
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert [r["rank"] for r in rows] == [1, 2, 3]
    first = rows[0]
    assert {"rank", "reference", "score", "reasons", "passages"} <= set(first)  # all keys: test_match's JSON contract
    assert (first["reference"], first["occupation"], first["level"], first["route"]) == (
        "ST0116",
        "OCC0116",
        4,
        "Digital",
    )
    assert 0 <= first["score"] <= 1
    assert any("Software" in r["terms"] for r in first["reasons"])


def test_match_reads_standard_input_with_level_and_route():
    text = "FdSc Nursing Associate\nCare for adults and children; medicines management; NMC code\n"
    out = run("match", "--json", "--level", "5", "--route", "health and science", "-", stdin=text)
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert rows[0]["reference"] == "ST0827"
    assert {r["route"] for r in rows} == {"Health and science"}


def test_no_precedents_ranks_on_content_alone():
    rows = json.loads(run("match", "--json", "--no-precedents", str(PROGRAMME)).stdout)
    assert all(r["precedents"] == [] and r["evidence"]["precedent"] == 0 for r in rows)


def test_docx_and_pdf_are_read(tmp_path):
    docx_file = tmp_path / "spec.docx"
    docx_file.write_bytes(make_docx("FdSc Software Development", ["Programming, databases and software testing."]))
    pdf_file = tmp_path / "spec.pdf"
    pdf_file.write_bytes(make_pdf(["FdSc Software Development", "Programming, databases and software testing."]))
    for path in (docx_file, pdf_file):
        out = run("match", "--json", "--top", "1", str(path))
        assert out.returncode == 0, out.stderr
        assert json.loads(out.stdout)[0]["reference"] == "ST0116"


def test_table_output_names_the_programme():
    out = run("match", "--top", "2", str(PROGRAMME))
    assert out.returncode == 0 and "Programme: FdSc Software Development" in out.stdout
    assert "ST0116" in out.stdout


@pytest.mark.parametrize(
    "args, stdin, message",
    [
        (["match", "-"], "", "is empty"),
        (["match", "missing.txt"], None, "does not exist"),
        (["match", "--route", "Atlantis", str(PROGRAMME)], None, "unknown route"),
        (["match", "--level", "6", str(PROGRAMME)], None, "invalid choice"),
        (["match", "--top", "0", str(PROGRAMME)], None, "--top must be 1 or more"),
    ],
)
def test_bad_input_exits_2_with_a_message(args, stdin, message):
    out = run(*args, stdin=stdin)
    assert out.returncode == 2
    assert message in out.stderr and "Traceback" not in out.stderr


def test_password_protected_pdf_exits_2(tmp_path):
    locked = tmp_path / "locked.pdf"
    locked.write_bytes(encrypt_pdf(make_pdf(["FdSc Software Development"])))
    out = run("match", str(locked))
    assert out.returncode == 2 and "password-protected" in out.stderr


SPEC = FIXTURES / "programmes" / "software-spec.txt"


def test_coverage_json_one_row_per_ksb():
    out = run("coverage", "--standard", "ST0116", "--json", str(SPEC))
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert len(rows) == 38 and rows[0]["code"] == "K1"
    k10 = next(r for r in rows if r["code"] == "K10")
    assert {"code", "statement", "coverage", "evidence", "score"} <= set(k10)
    assert k10["coverage"] == "full" and k10["evidence"][0]["module"] == "SD403"


def test_coverage_table_and_totals():
    out = run("coverage", "--standard", "OCC0116", str(SPEC))
    assert out.returncode == 0, out.stderr
    assert "ST0116 K10" in out.stdout and "Knowledge" in out.stdout


def test_coverage_with_imported_ksbs(tmp_path):
    sheet = tmp_path / "ksbs.csv"
    sheet.write_text(
        "Code,Statement\nK1,principles of relational and non-relational databases\nB1,acts with integrity\n",
        encoding="utf-8",
    )
    rows = json.loads(run("coverage", "--standard", "ST0117", "--ksbs", str(sheet), "--json", str(SPEC)).stdout)
    assert [r["code"] for r in rows] == ["K1", "B1"] and rows[0]["coverage"] == "full"


@pytest.mark.parametrize(
    "args, message",
    [
        (["coverage", "--standard", "ST0117", str(SPEC)], "has no KSBs for ST0117"),
        (["coverage", "--standard", "ST9999", str(SPEC)], "not in the snapshot"),
        (["coverage", "--standard", "nonsense", str(SPEC)], "not a standard code"),
        (["coverage", "--standard", "ST0116", "missing.docx"], "does not exist"),
        (["coverage", str(SPEC)], "required: --standard"),
    ],
)
def test_coverage_bad_input_exits_2(args, message):
    out = run(*args)
    assert out.returncode == 2 and message in out.stderr and "Traceback" not in out.stderr


def test_coverage_bad_ksb_sheet_exits_2(tmp_path):
    sheet = tmp_path / "ksbs.csv"
    sheet.write_text("Code,Words\nK1,x\n", encoding="utf-8")
    out = run("coverage", "--standard", "ST0117", "--ksbs", str(sheet), str(SPEC))
    assert out.returncode == 2 and "no statement column" in out.stderr


def test_match_all_lists_ineligible_standards_labelled():
    text = (
        "Cyber security\nNetwork defence, incident response, digital forensics, fraud detection and financial "
        "crime, penetration testing, threat intelligence."
    )
    default = run("match", "--top", "12", "-", stdin=text)
    assert "left out; --all lists them" in default.stdout and "Fraud control specialist" not in default.stdout
    rows = json.loads(run("match", "--json", "--all", "--top", "12", "-", stdin=text).stdout)
    fraud = next(r for r in rows if r["reference"] == "ST1445")
    assert fraud["eligibility"]["verdict"] == "Not eligible" and fraud["eligibility"]["reasons"]
