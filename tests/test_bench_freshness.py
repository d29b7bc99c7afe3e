"""bench/freshness.py: a result is stale exactly when a file on its benchmark's code path changed since its commit."""
import json
import subprocess

from bench.freshness import code_path, head, report


def _git(root, *args):
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def _repo(tmp_path):
    """A tiny project: bench/a.py imports pkg.mod (lazily) and runs the CLI; bench/b.py imports only other."""
    files = {
        "bench/__init__.py": "", "bench/common.py": "",
        "bench/a.py": "def main():\n    from pkg import mod\n    run(['python', '-m', 'tagkg.cli'])\n",
        "bench/b.py": "import other.util\n", "bench/graph.sh": "echo\n",
        "pkg/__init__.py": "", "pkg/mod.py": "from . import helper\n", "pkg/helper.py": "", "pkg/words.txt": "w\n",
        "other/__init__.py": "", "other/util.py": "",
        "tagkg/__init__.py": "", "tagkg/cli.py": "import pkg.mod\n", "requirements.txt": "x==1\n",
        "docs/notes.md": "",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "one")
    rev = head(tmp_path)
    (tmp_path / "bench" / "results").mkdir()
    for name in ("a", "b-variant"):
        (tmp_path / "bench" / "results" / f"{name}.json").write_text(json.dumps({"git": rev}))
    return rev


def _commit(tmp_path, name, text):
    (tmp_path / name).write_text(text)
    _git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", name)


def test_code_path_follows_lazy_and_relative_imports_data_files_and_the_cli(tmp_path):
    _repo(tmp_path)
    a = code_path("a", tmp_path)
    assert {"bench/a.py", "pkg/mod.py", "pkg/helper.py", "pkg/words.txt", "tagkg/cli.py", "bench/graph.sh",
            "requirements.txt"} <= a
    assert "other/util.py" not in a and "docs/notes.md" not in a
    b = code_path("b-variant", tmp_path)  # a result named after its module with a suffix
    assert "other/util.py" in b and "pkg/mod.py" not in b and "tagkg/cli.py" not in b


def test_a_change_on_the_path_makes_only_that_result_stale(tmp_path):
    _repo(tmp_path)
    _commit(tmp_path, "docs/notes.md", "changed\n")
    assert all(r["fresh"] for r in report(tmp_path).values())
    _commit(tmp_path, "pkg/helper.py", "X = 1\n")
    rep = report(tmp_path)
    assert rep["a"] == {**rep["a"], "fresh": False, "changed": ["pkg/helper.py"]}
    assert rep["b-variant"]["fresh"]


def test_the_projects_own_benchmarks_have_code_paths():
    quality = code_path("quality")
    assert {"bench/quality.py", "tagging/evaluate.py", "tagkg/cli.py", "bench/graph.sh"} <= quality
    faiss = code_path("faiss_ann")
    assert "bench/faiss_ann.py" in faiss and not any(f.startswith("api/") for f in faiss)


def test_a_result_assembled_from_several_runs_is_fresh_only_if_every_run_is(tmp_path):
    rev = _repo(tmp_path)
    _commit(tmp_path, "pkg/helper.py", "X = 1\n")
    new = head(tmp_path)
    (tmp_path / "bench" / "results" / "a.json").write_text(json.dumps(
        {"git": new, "runs": {"big": {"git": f"{new},{rev}"}, "small": {"stage_git": {"load": new}}}}))
    assert report(tmp_path)["a"]["changed"] == ["pkg/helper.py"]
    (tmp_path / "bench" / "results" / "a.json").write_text(json.dumps({"git": new, "runs": {"big": {"git": new}}}))
    assert report(tmp_path)["a"]["fresh"]


def test_a_result_is_dirty_when_the_tree_differs_from_its_commit(tmp_path, monkeypatch):
    """A changed tracked file or an untracked one git does not ignore marks the commit id -dirty (a new module is
    imported as surely as a changed one); ignored files, results and docs do not."""
    import bench.common as common

    _repo(tmp_path)
    (tmp_path / ".gitignore").write_text(".venv\n")
    _git(tmp_path, "add", ".gitignore")
    _git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "ignore")
    rev = head(tmp_path)
    monkeypatch.setattr(common, "ROOT", tmp_path)
    (tmp_path / ".venv").symlink_to(tmp_path / "pkg")       # benchmark worktrees link the venv: ignored
    (tmp_path / "bench" / "results" / "c.json").write_text("{}")
    (tmp_path / "docs" / "new.md").write_text("")
    assert common._git_rev() == rev
    (tmp_path / "pkg" / "new.py").write_text("")
    assert common._git_rev() == rev + "-dirty"
    (tmp_path / "pkg" / "new.py").unlink()
    (tmp_path / "pkg" / "mod.py").write_text("changed\n")
    assert common._git_rev() == rev + "-dirty"
