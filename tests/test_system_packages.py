"""The declared Debian packages (.ci/system-packages.txt) and the check that they suffice."""

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / ".ci"))
import system_packages as sp

ROOT = sp.ROOT

DEBIAN = shutil.which("dpkg") and shutil.which("apt-cache")


def fake_system(depends: dict[str, list[str]], owned: dict[str, str], fonts=None):
    """A stand-in for apt-cache, dpkg and fc-match on a made-up machine."""
    fonts = fonts or {}

    def run(command):
        out, code = "", 0
        if command[:2] == ["apt-cache", "depends"]:
            todo = [c for c in command[2:] if not c.startswith("--")]
            seen = []
            while todo:
                name = todo.pop()
                if name in seen:
                    continue
                seen.append(name)
                out += f"{name}\n" + "".join(f"  Depends: {d}\n" for d in depends.get(name, []))
                todo += depends.get(name, [])
        elif command[:2] == ["dpkg", "-S"]:
            for path in command[2:]:
                if path in owned:
                    out += f"{owned[path]}: {path}\n"
                else:
                    code = 1
        elif command[0] == "fc-match":
            family, path = fonts.get(command[-1], ("DejaVu Sans", "/f/DejaVuSans.ttf"))
            out = f"{family}\t{path}"
        else:
            raise AssertionError(command)
        return subprocess.CompletedProcess(command, code, out, "")

    return run


PZDR = "/usr/share/texlive/texmf-dist/fonts/tfm/adobe/zapfding/pzdr.tfm"
ARTICLE = "/usr/share/texlive/texmf-dist/tex/latex/base/article.cls"
MACHINE = {
    "depends": {"texlive-xetex": ["texlive-latex-base"], "texlive-latex-base": ["<perl:any>"]},
    "owned": {
        ARTICLE: "texlive-latex-base",
        PZDR: "texlive-fonts-recommended",
        "/f/DejaVuSerif.ttf": "fonts-dejavu-core",
    },
}


def write_recorder(folder: Path, *inputs: str) -> Path:
    fls = folder / "doc.fls"
    lines = [f"PWD {folder}", *(f"INPUT {i}" for i in inputs), f"OUTPUT {folder}/doc.xdv"]
    fls.write_text("\n".join(lines) + "\n")
    return fls


# --- the list, and everything that installs from it ---------------------------------


def test_the_list_names_what_the_pdf_the_browser_and_their_tools_need():
    packages = sp.declared()
    assert len(packages) == len(set(packages))
    # pzdr (ZapfDingbats) is only a Recommends of texlive-latex-extra, which CI drops.
    for name in ("latexmk", "texlive-xetex", "texlive-fonts-recommended", "fonts-dejavu"):
        assert name in packages
    assert {"chromium", "poppler-utils", "make"} <= set(packages)


def test_declared_reads_one_name_a_line_and_skips_comments(tmp_path):
    listing = tmp_path / "list.txt"
    listing.write_text("# heading\nlatexmk   # why\n\n  make\n")
    assert sp.declared(listing) == ["latexmk", "make"]


def test_ci_run_installs_exactly_the_declared_packages_without_recommends():
    script = (ROOT / ".ci" / "run").read_text()
    (assignment,) = re.findall(r"^packages=\$\(.*\)$", script, re.MULTILINE)
    assert re.search(r"^apt-get install .*--no-install-recommends \$packages", script, re.M)
    assert len(re.findall(r"apt-get install", script)) == 1
    # Run the very line .ci/run runs, in the repository root.
    shell = subprocess.run(
        ["bash", "-c", f"{assignment}; echo $packages"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert shell.stdout.split() == sp.declared()


def test_readme_install_command_is_the_declared_one():
    readme = (ROOT / "README.md").read_text()
    commands = re.findall(r"apt-get install[^`\n]*", readme)
    assert commands, "the README gives no apt-get install command"
    for command in commands:
        assert command.strip() == sp.install_command(sp.declared())


def test_pdf_session_error_message_gives_the_declared_install_command():
    tree = ast.parse((ROOT / "noxfile.py").read_text())
    functions = {f.name: f for f in tree.body if isinstance(f, ast.FunctionDef)}
    namespace = {"SYSTEM_PACKAGES": sp.LIST}
    exec(compile(ast.Module([functions["_apt_install"]], []), "noxfile.py", "exec"), namespace)
    assert namespace["_apt_install"]().endswith(sp.install_command(sp.declared()))
    calls = {
        node.func.id
        for node in ast.walk(functions["pdf"])
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    assert "_apt_install" in calls
    assert "texlive" not in (ROOT / "noxfile.py").read_text()  # no second, hand-kept list


# --- the check -----------------------------------------------------------------------


def test_a_file_from_an_undeclared_package_fails_naming_the_package(tmp_path):
    run = fake_system(**MACHINE)
    fls = write_recorder(tmp_path, ARTICLE, PZDR, "local.sty", "/etc/texmf/web2c/texmf.cnf")
    files = sp.recorded_inputs(fls)
    assert files == [ARTICLE, PZDR, "/etc/texmf/web2c/texmf.cnf"]  # not the build's own file
    problems = sp.check_files(files, ["texlive-xetex"], run=run)
    assert len(problems) == 1
    assert PZDR in problems[0]
    assert "add texlive-fonts-recommended to .ci/system-packages.txt" in problems[0]
    assert sp.check_files(files, ["texlive-xetex", "texlive-fonts-recommended"], run=run) == []


def test_a_file_no_package_owns_fails_unless_made_at_install(tmp_path):
    run = fake_system(**MACHINE)
    made = ["/etc/texmf/web2c/texmf.cnf", "/var/lib/texmf/web2c/xetex/xelatex.fmt"]
    assert all(sp.made_at_install(path) for path in made)
    assert sp.check_files(made, ["texlive-xetex"], run=run) == []
    (problem,) = sp.check_files(["/usr/local/share/texmf/x.sty"], ["texlive-xetex"], run=run)
    assert "no Debian package owns it" in problem


def test_closure_follows_depends_and_drops_virtual_brackets_and_arch():
    listing = "a\n  Depends: <perl:any>\n    perl\n<perl:any>\nperl\nlibc6:amd64\n"
    run = lambda command: subprocess.CompletedProcess(command, 0, listing, "")  # noqa: E731
    assert sp.closure(["a"], run) == {"a", "perl", "libc6"}


def test_owners_reads_several_packages_and_skips_diversions():
    listing = "diversion by x from: /bin/sh\nfonts-a, fonts-b: /f/a.ttf\nlibc6:amd64: /lib/x\n"
    run = lambda command: subprocess.CompletedProcess(command, 0, listing, "")  # noqa: E731
    assert sp.owners(["/f/a.ttf", "/lib/x"], run) == {
        "/f/a.ttf": {"fonts-a", "fonts-b"},
        "/lib/x": {"libc6"},
    }


def test_pdf_check_covers_fonts_found_through_fontconfig_and_the_tools(tmp_path):
    (tmp_path / "doc.tex").write_text(
        "\\setmainfont{DejaVu Serif}\n\\setmonofont{DejaVu Sans Mono}[Scale=0.85]\n"
    )
    write_recorder(tmp_path, ARTICLE)
    fonts = {
        "DejaVu Serif": ("DejaVu Serif", "/f/DejaVuSerif.ttf"),
        "DejaVu Sans Mono": ("Liberation Mono", "/f/LiberationMono.ttf"),  # a substitute
    }
    run = fake_system(**MACHINE, fonts=fonts)
    problems = sp.check_pdf(tmp_path, ["texlive-xetex"], tools=(), run=run)
    assert problems == [
        "font 'DejaVu Sans Mono': fontconfig has no such font (it offers 'Liberation Mono')",
        "/f/DejaVuSerif.ttf (font 'DejaVu Serif') comes from fonts-dejavu-core, which the "
        "declared packages do not install: add fonts-dejavu-core to .ci/system-packages.txt",
    ]


def test_pdf_check_wants_a_recorder_file(tmp_path):
    (problem,) = sp.check_pdf(tmp_path, ["texlive-xetex"], tools=(), run=fake_system(**MACHINE))
    assert "no recorder file" in problem


@pytest.mark.skipif(not DEBIAN, reason="needs dpkg and apt-cache (Debian)")
def test_on_this_machine_a_real_file_outside_the_list_is_named(tmp_path):
    installed = sp.closure(sp.declared())
    for tool in ("apt-cache", "git", "gpg", "ssh", "curl"):
        path = shutil.which(tool)
        owner = path and sp.owners([os.path.realpath(path)]).get(os.path.realpath(path))
        if owner and not owner & installed:
            break
    else:
        pytest.skip("every candidate file comes from a declared package here")
    fls = write_recorder(tmp_path, os.path.realpath(path))
    (problem,) = sp.check_files(sp.recorded_inputs(fls), sp.declared(), installed=installed)
    assert f"add {sorted(owner)[0]} to .ci/system-packages.txt" in problem


@pytest.mark.skipif(not DEBIAN, reason="needs dpkg and apt-cache (Debian)")
def test_on_this_machine_the_command_line_fails_on_an_undeclared_file(tmp_path):
    listing = tmp_path / "list.txt"
    listing.write_text("make\n")
    write_recorder(tmp_path, os.path.realpath(sys.executable))
    done = subprocess.run(
        [sys.executable, ".ci/system_packages.py", "--list", str(listing), "pdf", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stdout
    assert "are not enough" in done.stdout
    assert os.path.realpath(sys.executable) in done.stdout
