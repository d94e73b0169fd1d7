"""The notebooks run from scratch, and what is committed reads well anywhere."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

pytestmark = pytest.mark.slow

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
MACHINE_PATH = re.compile(r"(/work/|/tmp/|/root/|/home/|/Users/|[A-Z]:\\\\)")


@pytest.mark.parametrize("name", ["01-tour.ipynb", "02-add-an-article.ipynb"])
def test_notebook_executes_from_scratch(name: str) -> None:
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    ).execute()
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []


@pytest.mark.parametrize("name", ["01-tour.ipynb", "02-add-an-article.ipynb"])
def test_committed_notebook_has_outputs_and_no_machine_paths(name: str) -> None:
    text = (NOTEBOOKS / name).read_text(encoding="utf-8")
    notebook = json.loads(text)
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    assert code and all(c["outputs"] or c["execution_count"] for c in code)
    assert not MACHINE_PATH.search(text), MACHINE_PATH.search(text)


def test_the_add_an_article_notebook_shows_the_typos_and_the_fix() -> None:
    notebook = json.loads((NOTEBOOKS / "02-add-an-article.ipynb").read_text(encoding="utf-8"))
    printed = "".join(
        "".join(o.get("text", "")) for c in notebook["cells"] if c["cell_type"] == "code" for o in c["outputs"]
    )
    assert "unknown actor 'amexcd' (did you mean 'amexcid'?)" in printed
    assert "unknown recipient 'hnd' (did you mean 'hn'?)" in printed
    assert "result: OK" in printed
