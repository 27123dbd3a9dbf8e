"""Build the hw1 wheel, install it apart from the sources, and load the shipped data from it.

The nox sessions use an editable install, which reads ``hw1/`` straight from the source
tree and so cannot notice a file that the wheel leaves out. This check builds the wheel
from a copy of the sources, installs it with ``--no-deps`` into a temporary directory,
and imports it from there with the shared environment's Python (which supplies PyTorch
and the other dependencies), in a working directory outside the repository. It then
loads MNIST (MD5-verified on load), the Boston table and the stored benchmark results,
and compares the data files in the wheel with those in the sources.

Run by ``nox -s wheel`` and by ``.ci/run``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = Path("hw1") / "data_files"

PROBE = """
import sys
from pathlib import Path

import hw1
import hw1.bench.results
import hw1.data

target = Path(sys.argv[1]).resolve()
where = Path(hw1.__file__).resolve()
assert target in where.parents, f"hw1 was imported from {where}, not from {target}"
shipped = sorted(
    str(p.relative_to(where.parent)) for p in (where.parent / "data_files").rglob("*")
    if p.is_file() and p.suffix in {".gz", ".json"}
)
print("files:", *shipped)
for split, size in (("train", 60_000), ("test", 10_000)):
    images, labels = hw1.data.load_mnist(split)
    assert tuple(images.shape) == (size, 784), (split, tuple(images.shape))
    assert tuple(labels.shape) == (size,), (split, tuple(labels.shape))
boston = hw1.data.load_boston()
assert boston.data.shape == (506, 13), boston.data.shape
for json_file in (where.parent / "data_files" / "bench").glob("*.json"):
    assert hw1.bench.results.load_results(path=json_file), json_file
print("loaded MNIST (train, test), Boston and the stored benchmark results from", where.parent)
"""


def source_data_files() -> list[str]:
    """Return the package-data files in the source tree, relative to ``hw1/``."""
    return sorted(
        str(p.relative_to(ROOT / "hw1"))
        for p in (ROOT / DATA).rglob("*")
        if p.is_file() and p.suffix in {".gz", ".json"}
    )


def main() -> int:
    """Build, install and probe the wheel; return the exit status."""
    with tempfile.TemporaryDirectory(prefix="hw1-wheel-") as tmp:
        tmp = Path(tmp)
        # Build from a clean copy: setuptools' in-tree build/ directory can keep files
        # that were deleted from the sources and slip them into the wheel.
        sources = tmp / "src"
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
        shutil.copytree(ROOT / "hw1", sources / "hw1", ignore=ignore)
        for name in ("pyproject.toml", "README.md"):
            shutil.copy(ROOT / name, sources / name)
        dist, target = tmp / "dist", tmp / "site"
        pip = [sys.executable, "-m", "pip", "--quiet"]
        subprocess.run([*pip, "wheel", "--no-deps", "-w", str(dist), str(sources)], check=True)
        (wheel,) = dist.glob("hw1-*.whl")
        print(f"built {wheel.name} ({wheel.stat().st_size / 1e6:.1f} MB)")
        install = [*pip, "install", "--no-deps", "--no-compile", "--target", str(target)]
        subprocess.run([*install, str(wheel)], check=True)

        env = {**os.environ, "PYTHONPATH": str(target)}
        result = subprocess.run(
            [sys.executable, "-c", PROBE, str(target)],
            cwd=tmp,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        print(result.stdout, end="")
        if result.returncode:
            print("the installed wheel failed the probe above", file=sys.stderr)
            return result.returncode
        lines = [line for line in result.stdout.splitlines() if line.startswith("files:")]
        in_wheel = lines[0].split()[1:]
        missing = sorted(set(source_data_files()) - set(in_wheel))
        if missing:
            print(f"data files missing from the wheel: {missing}", file=sys.stderr)
            return 1
    print("wheel check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
