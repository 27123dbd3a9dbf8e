"""The portability check (.ci/portability.py) runs examples as sphinx-gallery does."""

import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / ".ci"))
import portability as pt

# Every condition sphinx-gallery sets up, checked from inside the example.
FAITHFUL = '''"""A stand-in example."""
import os
import random
import sys
import threading
import time

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import torch

assert os.getcwd() == os.path.dirname(sys.argv[0]), (os.getcwd(), sys.argv)
assert __name__ == "__main__" and "__file__" not in globals()
assert matplotlib.get_backend().lower() == "agg"
assert os.environ["OMP_NUM_THREADS"] == "1"
assert torch.backends.cpu.get_cpu_capability() == "DEFAULT"
# exact: the reset seeds each generator, so it repeats the freshly seeded draws
assert random.random() == random.Random(0).random()
assert np.random.rand() == np.random.RandomState(0).rand()  # exact: as above
assert torch.equal(torch.rand(3), torch.rand(3, generator=torch.Generator().manual_seed(0)))
plt.plot([0, 1])

# %%
# The figure of the block above was closed, as sphinx-gallery's scraper does.
assert plt.get_fignums() == []
'''


def _default_only():
    return [p for p in pt.all_paths() if p.name == "default"]


def test_paths_cover_each_capability_native_and_two_threads():
    names = [p.name for p in pt.all_paths()]
    assert names == ["default", "avx2", "avx512", "native", "2 threads"]
    env = {p.name: p.env for p in pt.all_paths()}
    assert env["2 threads"] == {"OMP_NUM_THREADS": "2"}
    assert "ATEN_CPU_CAPABILITY" not in env["native"]
    assert env["avx2"]["ATEN_CPU_CAPABILITY"] == "avx2"


def test_a_capability_the_cpu_lacks_is_skipped_and_said_so():
    live = {"default": "DEFAULT", "avx2": "AVX2", "avx512": "AVX2"}  # an AVX2-only CPU
    kept, skipped = pt.supported(pt.all_paths(), probe=live.__getitem__)
    assert [p.name for p in kept] == ["default", "avx2", "native", "2 threads"]
    assert skipped == ["avx512: this CPU lacks it (torch fell back to AVX2)"]


def test_probe_asks_torch_which_capability_went_live():
    assert pt.probe("default") == "DEFAULT"


def test_an_example_runs_in_its_folder_as_main_with_seeds_reset(tmp_path):
    script = tmp_path / "plot_faithful.py"
    script.write_text(FAITHFUL)
    (result,) = pt.run_all([script], _default_only())
    assert result.ok, result.output


def test_a_failing_example_fails_its_cell_and_the_check(tmp_path, capsys):
    good = tmp_path / "plot_good.py"
    good.write_text('"""Good."""\nprint("fine")\n')
    bad = tmp_path / "plot_bad.py"
    bad.write_text('"""Bad."""\n\nx = 0.1 + 0.2\nassert x == 0.3\n')
    assert pt.main([str(good), str(bad), "--paths", "default", "--jobs", "2"]) == 1
    out = capsys.readouterr().out
    table = [line for line in out.splitlines() if line.startswith("| plot_")]
    rows = {line.split("|")[1].strip(): line for line in table}
    assert "pass" in rows["plot_good.py"] and "FAIL" in rows["plot_bad.py"]
    assert "--- FAIL plot_bad.py under default" in out
    assert "line 4" in out and "assert x == 0.3" in out  # the traceback names the line


def test_table_has_a_row_per_example_and_a_column_per_path(tmp_path):
    paths = pt.all_paths()[:2]
    results = [
        pt.Result(tmp_path / name, path, code, 1.5, "")
        for path in paths
        for name, code in (("plot_a.py", 0), ("plot_b.py", 1))
    ]
    lines = pt.table(results, root=tmp_path).splitlines()
    assert [cell.strip() for cell in lines[0].split("|")[1:-1]] == ["example", "default", "avx2"]
    assert [line.split("|")[1].strip() for line in lines[2:]] == ["plot_a.py", "plot_b.py", "sum"]
    assert lines[3].count("FAIL") == 2 and lines[2].count("pass") == 2
    assert "3.0 s" in lines[4]


def test_tests_run_under_the_path_as_a_row_of_their_own(tmp_path):
    test = tmp_path / "test_tiny.py"
    test.write_text(
        "import os\n\ndef test_path():\n    assert os.environ['ATEN_CPU_CAPABILITY'] == 'default'\n"
    )
    (result,) = pt.run_all([(str(test),)], _default_only())
    assert result.ok, result.output
    assert "1 passed" in result.output
    assert pt.table([result]).splitlines()[2].startswith(f"| pytest {test} | pass")


def test_a_two_thread_path_runs_alone_so_cores_are_not_oversubscribed(monkeypatch):
    active, most = [], {}
    lock = threading.Lock()

    def fake_run_one(script, path, **kwargs):
        threads = int(path.env["OMP_NUM_THREADS"])
        with lock:
            active.append(threads)
            most[path.name] = max(most.get(path.name, 0), sum(active))
        time.sleep(0.05)
        with lock:
            active.remove(threads)
        return pt.Result(script, path, 0, 0.05, "")

    monkeypatch.setattr(pt, "run_one", fake_run_one)
    paths = [p for p in pt.all_paths() if p.name in ("default", "2 threads")]
    scripts = [Path(f"plot_{i}.py") for i in range(4)]
    results = pt.run_all(scripts, paths, jobs=2)
    assert [(r.script.name, r.path.name) for r in results] == [
        (s.name, p.name) for p in paths for s in scripts
    ]
    assert most == {"default": 2, "2 threads": 2}  # threads in use, never over 2
