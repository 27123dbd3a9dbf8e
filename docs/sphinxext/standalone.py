"""Self-contained notebooks: the package code a gallery script uses, inlined before it.

:class:`Inliner` reads a package's sources with :mod:`ast` (nothing is imported) and,
for the names a script imports from it, collects every function, class and constant
they reference inside the package, transitively. Names are followed through
re-exports (``from .x import y`` in a subpackage's ``__init__``), so a definition is
found in the module that really holds it, like ``obj.__module__`` would say.
:func:`order` sorts the definitions so that each comes after what it needs, and
:func:`standalone_script` rewrites the script's own imports of the package: a name
imported from it is simply defined above, and a module imported as a whole
(``from hw1 import bench``) becomes a :class:`types.SimpleNamespace` of the names the
script uses from it, so ``bench.run(...)`` keeps working.

The Sphinx side (``setup``) rewrites sphinx-gallery's example notebooks and zips on
every build, after sphinx-gallery has written them, and builds the package's wheel
into the site; see :func:`rewrite_gallery_downloads`.
"""

from __future__ import annotations

import ast
import heapq
import io
import os
import re
import subprocess
import sys
import tempfile
import textwrap
import zipfile
from dataclasses import dataclass, field
from importlib.machinery import PathFinder
from pathlib import Path

# PyPI names of modules whose distribution is called something else.
PYPI_NAMES = {"sklearn": "scikit-learn", "PIL": "pillow", "yaml": "pyyaml"}

START_IGNORE = re.compile(r"^[\t ]*# sphinx_gallery_start_ignore\s*$", re.M)


@dataclass(frozen=True)
class Binding:
    """What a module-level name refers to: a package definition, module or an import."""

    kind: str  # "def", "module" (of the package), "import" (unresolved) or "external"
    module: str  # the package module holding it (for "external": the import statement)
    name: str = ""


@dataclass
class Definition:
    """One top-level statement of the package that the notebook needs."""

    module: str
    name: str
    source: str
    line: int
    deps: set[tuple[str, str]] = field(default_factory=set)
    imports: set[str] = field(default_factory=set)  # import statements it needs
    requires: set[str] = field(default_factory=set)  # top-level modules it imports


@dataclass
class _Module:
    name: str
    path: Path
    source: str
    tree: ast.Module
    defs: dict[str, ast.stmt]
    bindings: dict[str, Binding]


def _import_statement(node: ast.Import | ast.ImportFrom, alias: ast.alias) -> str:
    if isinstance(node, ast.Import):
        return f"import {alias.name}" + (f" as {alias.asname}" if alias.asname else "")
    text = f"from {node.module} import {alias.name}"
    return text + (f" as {alias.asname}" if alias.asname else "")


class Inliner:
    """Collect, from a package's sources, the definitions a piece of code needs.

    Parameters
    ----------
    package : str
        The top-level package, e.g. ``"hw1"``.
    path : list of str, optional
        Where to look for it (default ``sys.path``). The package is never imported.
    """

    def __init__(self, package: str, path: list[str] | None = None):
        self.package = package
        self.path = path
        self._modules: dict[str, _Module | None] = {}
        self.definitions: dict[tuple[str, str], Definition] = {}
        # module namespaces the code uses: (module, local name) -> attribute names
        self.namespaces: dict[tuple[str, str], dict[str, tuple[str, str]]] = {}

    # -- reading modules -------------------------------------------------------------

    def owns(self, module: str | None) -> bool:
        """Whether ``module`` is the package or one of its submodules."""
        return module is not None and (
            module == self.package or module.startswith(self.package + ".")
        )

    def module(self, name: str) -> _Module | None:
        """Return the parsed module ``name`` of the package, or None if there is none."""
        if name not in self._modules:
            self._modules[name] = self._read(name)
        return self._modules[name]

    def _read(self, name: str) -> _Module | None:
        parent, _, _ = name.rpartition(".")
        if parent:
            outer = self.module(parent)
            if outer is None or outer.path.name != "__init__.py":
                return None
            spec = PathFinder.find_spec(name, [str(outer.path.parent)])
        else:
            spec = PathFinder.find_spec(name, self.path)
        if spec is None or not spec.origin or not spec.origin.endswith(".py"):
            return None
        path = Path(spec.origin)
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source, filename=str(path))
        package = name if path.name == "__init__.py" else parent
        defs: dict[str, ast.stmt] = {}
        bindings: dict[str, Binding] = {}
        for node in tree.body:
            for target in _defined_names(node):
                defs[target] = node
            if isinstance(node, ast.Import | ast.ImportFrom):
                bindings.update(self._bindings(node, package))
        return _Module(name, path, source, tree, defs, bindings)

    def _bindings(self, node: ast.Import | ast.ImportFrom, package: str) -> dict[str, Binding]:
        """Return the names an import statement binds, each with what it refers to."""
        result = {}
        if isinstance(node, ast.Import):
            for alias in node.names:
                if self.owns(alias.name):
                    if alias.asname:
                        result[alias.asname] = Binding("module", alias.name)
                    else:  # `import pkg.sub` binds `pkg`
                        result[alias.name.split(".")[0]] = Binding("module", self.package)
                else:
                    local = alias.asname or alias.name.split(".")[0]
                    result[local] = Binding("external", _import_statement(node, alias))
            return result
        if node.module == "__future__":
            return result
        source = _absolute(node, package)
        for alias in node.names:
            local = alias.asname or alias.name
            if self.owns(source):  # resolved when used: modules may import each other
                result[local] = Binding("import", source, alias.name)
            else:
                text = _import_statement(ast.ImportFrom(source, [alias], 0), alias)
                result[local] = Binding("external", text)
        return result

    def _resolve(self, module: str, name: str) -> Binding:
        """Follow ``module.name`` to the module that defines it (or to a submodule)."""
        info = self.module(module)
        if info is None:
            raise LookupError(f"{module} is not a module of {self.package}")
        if name in info.defs:
            return Binding("def", module, name)
        if name in info.bindings and info.bindings[name].kind != "external":
            return self.final(info.bindings[name])
        if self.module(f"{module}.{name}") is not None:
            return Binding("module", f"{module}.{name}")
        found = self._imported(module, name)  # e.g. a star import: ask the live object
        if found is not None:
            return found
        raise LookupError(f"{module} has no top-level definition or re-export of {name!r}")

    def _imported(self, module: str, name: str) -> Binding | None:
        """Find ``module.name`` by importing it and reading ``__module__`` (last resort)."""
        import importlib
        import types

        try:
            obj = getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError):
            return None
        if isinstance(obj, types.ModuleType) and self.owns(obj.__name__):
            return Binding("module", obj.__name__)
        home, own = getattr(obj, "__module__", None), getattr(obj, "__name__", None)
        if self.owns(home) and home != module and own and self.module(home) is not None:
            if own in self.module(home).defs:
                return Binding("def", home, own)
        return None

    def resolve(self, module: str, name: str) -> Binding:
        """Return where ``from module import name`` leads: a definition or a module."""
        return self._resolve(module, name)

    def final(self, binding: Binding) -> Binding:
        """Follow an import of the package to the definition or module it names."""
        if binding.kind == "import":
            return self._resolve(binding.module, binding.name)
        return binding

    # -- collecting --------------------------------------------------------------------

    def need(self, binding: Binding) -> None:
        """Add a definition (and, transitively, what it uses) to :attr:`definitions`."""
        if binding.kind == "def":
            self._add(binding.module, binding.name)

    def _add(self, module: str, name: str) -> None:
        key = (module, name)
        if key in self.definitions:
            return
        info = self.module(module)
        node = info.defs[name]
        definition = Definition(module, name, "", node.lineno)
        self.definitions[key] = definition  # before recursing: cycles end here
        edits = self._inner_imports(node, info, definition)
        definition.source = _statement_source(info.source, node, edits)
        used, attributes = _names_used(node)
        if "__file__" in used:  # a notebook has no file: paths resolve beside it instead
            definition.source = (
                "# In the package this path is relative to its module file; here, to the "
                "notebook.\n" + re.sub(r"\b__file__\b", '"notebook"', definition.source)
            )
        for local in sorted(used):
            if local in info.defs:
                if info.defs[local] is not node:
                    definition.deps.add((module, local))
                    self._add(module, local)
            elif local in info.bindings:
                self._use(info.bindings[local], local, attributes.get(local, set()), definition)

    def _use(self, binding: Binding, local: str, attrs: set[str], user: Definition) -> None:
        """Record that ``user`` refers to ``binding`` under the name ``local``."""
        binding = self.final(binding)
        if binding.kind == "external":
            user.imports.add(binding.module)
            user.requires.add(_top_module(binding.module))
        elif binding.kind == "def":
            user.deps.add((binding.module, binding.name))
            self._add(binding.module, binding.name)
            if binding.name != local:  # imported under another name
                self.namespaces.setdefault(("=", local), {})["="] = (
                    binding.module,
                    binding.name,
                )
                user.deps.add(("=", local))
        else:
            user.deps.add((f"namespace:{binding.module}", local))
            members = self.namespaces.setdefault((binding.module, local), {})
            for attr in sorted(attrs):
                target = self._resolve(binding.module, attr)
                if target.kind == "module":
                    raise NotImplementedError(
                        f"{local}.{attr}: a module of a module namespace is not supported"
                    )
                members[attr] = (target.module, target.name)
                self._add(target.module, target.name)

    def _inner_imports(self, node: ast.stmt, info: _Module, user: Definition) -> list:
        """Drop imports of the package inside a function body; use their names instead."""
        edits = []
        package = info.name if info.path.name == "__init__.py" else info.name.rpartition(".")[0]
        for inner in ast.walk(node):
            if inner is node or not isinstance(inner, ast.Import | ast.ImportFrom):
                continue
            bindings = self._bindings(inner, package)
            if all(b.kind == "external" for b in bindings.values()):
                for b in bindings.values():
                    user.requires.add(_top_module(b.module))
                continue
            lines = []
            for local, binding in bindings.items():
                binding = self.final(binding)
                if binding.kind == "def":
                    self._add(binding.module, binding.name)
                    user.deps.add((binding.module, binding.name))
                    if binding.name != local:
                        lines.append(f"{local} = {binding.name}")
                elif binding.kind == "external":
                    lines.append(binding.module)
                else:
                    raise NotImplementedError(
                        f"{info.name}: importing module {binding.module} inside a function"
                    )
            edits.append((inner, lines))
        return edits


def _absolute(node: ast.ImportFrom, package: str) -> str:
    """Return the absolute module of a ``from ... import`` inside ``package``."""
    if not node.level:
        return node.module or ""
    parts = package.split(".")
    base = parts[: len(parts) - node.level + 1]
    return ".".join([*base, node.module] if node.module else base)


def _imports_package(inliner: Inliner, node: ast.Import | ast.ImportFrom) -> bool:
    if isinstance(node, ast.Import):
        return any(inliner.owns(alias.name) for alias in node.names)
    return not node.level and inliner.owns(node.module)


def _top_module(statement: str) -> str:
    return statement.split()[1].split(".")[0]


def _defined_names(node: ast.stmt) -> list[str]:
    """Names a top-level statement defines (functions, classes, assignments)."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return [node.name]
    targets = []
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, ast.AnnAssign) and node.value is not None:
        targets = [node.target]
    names = []
    for target in targets:
        names += [n.id for n in ast.walk(target) if isinstance(n, ast.Name)]
    return names


def _names_used(node: ast.stmt) -> tuple[set[str], dict[str, set[str]]]:
    """Names a statement reads, and for each the attributes read from it (``x.attr``)."""
    used, attributes = set(), {}
    for inner in ast.walk(node):
        if isinstance(inner, ast.Name):
            used.add(inner.id)
        elif isinstance(inner, ast.Attribute) and isinstance(inner.value, ast.Name):
            attributes.setdefault(inner.value.id, set()).add(inner.attr)
    return used, attributes


def _statement_source(source: str, node: ast.stmt, edits=()) -> str:
    """Return a top-level statement's text, with its decorators and comments above."""
    lines = source.splitlines()
    first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))]) - 1
    while first > 0 and lines[first - 1].lstrip().startswith("#"):
        first -= 1
    body = lines[first : node.end_lineno]
    for inner, replacement in sorted(edits, key=lambda e: -e[0].lineno):
        start, end = inner.lineno - 1 - first, inner.end_lineno - first
        indent = body[start][: len(body[start]) - len(body[start].lstrip())]
        body[start:end] = [indent + text for text in replacement]
    text = "\n".join(body)
    try:
        ast.parse(text)
    except SyntaxError:  # an import was a block's only statement
        body = lines[first : node.end_lineno]
        for inner, replacement in sorted(edits, key=lambda e: -e[0].lineno):
            start, end = inner.lineno - 1 - first, inner.end_lineno - first
            indent = body[start][: len(body[start]) - len(body[start].lstrip())]
            body[start:end] = [indent + t for t in replacement] or [indent + "pass"]
        text = "\n".join(body)
    return text


# -- ordering and rendering -------------------------------------------------------------


def order(definitions: dict[tuple[str, str], Definition], keys=None) -> list[Definition]:
    """Definitions in dependency order, each once.

    A definition comes after every definition it refers to; among those ready, the
    module first needed comes first, and within a module the source order is kept.
    Definitions that refer to each other (mutually recursive functions, a cycle) come
    together, in source order: their bodies run only when called.
    """
    keys = list(dict.fromkeys(definitions if keys is None else keys))
    wanted = set(keys)
    rank: dict[str, int] = {}
    for key in keys:
        rank.setdefault(key[0], len(rank))
    deps = {k: sorted(d for d in definitions[k].deps if d in wanted and d != k) for k in keys}

    def priority(key):
        return (rank[key[0]], definitions[key].line, key[1])

    components = _strongly_connected(keys, deps)
    component_of = {key: i for i, members in enumerate(components) for key in members}
    needs = {
        i: {component_of[d] for k in c for d in deps[k]} - {i} for i, c in enumerate(components)
    }
    users: dict[int, set[int]] = {i: set() for i in needs}
    for i, needed in needs.items():
        for j in needed:
            users[j].add(i)
    first = {i: min(priority(k) for k in c) for i, c in enumerate(components)}
    ready = [(first[i], i) for i in needs if not needs[i]]
    heapq.heapify(ready)
    result = []
    while ready:
        _, i = heapq.heappop(ready)
        result += [definitions[k] for k in sorted(components[i], key=priority)]
        for user in users[i]:
            needs[user].discard(i)
            if not needs[user]:
                heapq.heappush(ready, (first[user], user))
    return result


def _strongly_connected(keys, deps) -> list[list]:
    """Tarjan's strongly connected components of the dependency graph (iterative)."""
    index, low, on_stack, stack, components = {}, {}, set(), [], []
    for root in keys:
        if root in index:
            continue
        work = [(root, iter(deps[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(deps[child])))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(component)
    return components


def check_unique_names(definitions) -> None:
    """Raise if two different definitions would share one name in the notebook."""
    seen: dict[str, str] = {}
    for definition in definitions:
        other = seen.setdefault(definition.name, definition.module)
        if other != definition.module:
            raise ValueError(
                f"{other}.{definition.name} and {definition.module}.{definition.name} "
                "would share one name in a self-contained notebook; rename one"
            )


def import_block(definitions, extra=()) -> str:
    """Return the imports the definitions (and ``extra``) need, merged and sorted."""
    statements = set(extra)
    for definition in definitions:
        statements |= definition.imports
    plain = sorted(s for s in statements if s.startswith("import "))
    froms: dict[str, list[str]] = {}
    for statement in statements - set(plain):
        _, module, _, names = statement.split(" ", 3)
        froms.setdefault(module, []).append(names)
    lines = [*plain]
    lines += [f"from {m} import {', '.join(sorted(set(n)))}" for m, n in sorted(froms.items())]
    return "\n".join(lines)


def namespace_source(inliner: Inliner, local: str, module: str) -> str:
    """``local = SimpleNamespace(...)``: the names the code uses from a whole module."""
    members = inliner.namespaces[(module, local)]
    if module == "=":
        return f"{local} = {members['='][1]}"
    items = "".join(f"    {attr}={name},\n" for attr, (_, name) in sorted(members.items()))
    return f"{local} = SimpleNamespace(  # the names this example uses of {module}\n{items})"


# -- a gallery script, made standalone --------------------------------------------------


@dataclass
class Script:
    """A gallery script with its package imports rewritten, and what it needs."""

    path: Path
    source: str  # ignored blocks dropped, package imports replaced
    keys: list[tuple[str, str]]  # the definitions it uses directly
    requires: set[str]  # top-level modules the script itself imports
    imports: set[str]  # import statements its rewritten imports need


def standalone_script(inliner: Inliner, path: Path) -> Script:
    """Read a gallery script, drop its ignored blocks and rewrite its package imports.

    The definitions it needs are added to ``inliner.definitions``. A name imported
    from the package is defined above the script in the notebook, so its import goes;
    ``from pkg import module`` becomes ``module = SimpleNamespace(...)`` with the names
    the script uses from it, and ``import pkg.module`` a nested namespace.
    """
    from sphinx_gallery.py_source_parser import remove_ignore_blocks

    source = remove_ignore_blocks(Path(path).read_text(encoding="utf-8"))
    tree = ast.parse(source, filename=str(path))
    chains = _attribute_chains(tree)
    keys: list[tuple[str, str]] = []
    requires: set[str] = set()
    imports: set[str] = set()
    lines = source.splitlines()
    for node in reversed(tree.body):
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        if not _imports_package(inliner, node):
            for alias in node.names:
                name = alias.name if isinstance(node, ast.Import) else node.module
                requires.add(name.split(".")[0])
            continue
        replacement = []
        for local, binding in inliner._bindings(node, "").items():
            binding = inliner.final(binding)
            if binding.kind == "def":
                inliner.need(binding)
                keys.append((binding.module, binding.name))
                if local != binding.name:
                    replacement.append(f"{local} = {binding.name}")
            elif binding.kind == "module":
                imports.add("from types import SimpleNamespace")
                replacement.append(
                    f"{local} = " + _namespace_tree(inliner, binding.module, local, chains, keys)
                )
            else:  # pragma: no cover - _bindings returns package names only here
                replacement.append(binding.module)
        lines[node.lineno - 1 : node.end_lineno] = replacement
    keys = list(dict.fromkeys(reversed(keys)))
    return Script(Path(path), "\n".join(lines) + "\n", keys, requires, imports)


def _attribute_chains(tree: ast.AST) -> set[tuple[str, ...]]:
    """Every dotted name read in the code, e.g. ``("hw1", "data", "load_mnist")``."""
    chains = set()
    for node in ast.walk(tree):
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if isinstance(node, ast.Name) and parts:
            chains.add((node.id, *reversed(parts)))
    return chains


def _namespace_tree(inliner, module, local, chains, keys) -> str:
    """``SimpleNamespace(a=a, sub=SimpleNamespace(...))`` for the attributes used."""
    used = sorted({c[1] for c in chains if c[0] == local and len(c) > 1})
    items = []
    for attr in used:
        target = inliner.resolve(module, attr)
        if target.kind == "module":
            inner = {(f"{local}.{attr}", *c[2:]) for c in chains if c[:2] == (local, attr)}
            items.append(
                f"{attr}=" + _namespace_tree(inliner, target.module, f"{local}.{attr}", inner, keys)
            )
        else:
            inliner.need(target)
            keys.append((target.module, target.name))
            items.append(f"{attr}={target.name}")
    body = textwrap.indent("".join(f"{item},\n" for item in items), "    ")
    return f"SimpleNamespace(  # the names this example uses of {module}, defined above\n{body})"


def closure(inliner: Inliner, keys) -> list[tuple[str, str]]:
    """Every definition reachable from ``keys`` through their references."""
    seen, stack = [], list(keys)
    while stack:
        key = stack.pop()
        if key in seen or key not in inliner.definitions:
            continue
        seen.append(key)
        stack.extend(sorted(inliner.definitions[key].deps))
    return seen


def expand_namespaces(inliner: Inliner) -> None:
    """Turn the module namespaces package code uses into definitions of their own."""
    for (module, local), members in list(inliner.namespaces.items()):
        key = (f"namespace:{module}", local) if module != "=" else ("=", local)
        deps = {target for target in members.values()}
        text = namespace_source(inliner, local, module)
        imports = {"from types import SimpleNamespace"} if module != "=" else set()
        inliner.definitions[key] = Definition(key[0], local, text, 10**9, deps, imports)


def requirements(modules) -> list[str]:
    """PyPI names for the third-party top-level modules in ``modules``."""
    third_party = {m for m in modules if m and m not in sys.stdlib_module_names}
    return sorted(PYPI_NAMES.get(m, m) for m in third_party)


# -- Sphinx: rewrite the gallery's notebooks and zips on every build --------------------


def rewrite_gallery_downloads(app) -> None:  # pragma: no cover - exercised by the docs build
    """After sphinx-gallery, make every example notebook and zip self-contained.

    sphinx-gallery writes an example's notebook and zip only when the example runs;
    this runs on every build, so a change in the package reaches them. Exempt
    examples (``standalone_exempt``) keep their package imports and say so.
    """
    sys.path.insert(0, str(Path(app.srcdir)))
    from build_notebook import EXEMPT, example_notebook, install_note

    conf = app.config.sphinx_gallery_conf
    src = Path(app.srcdir)
    exempt = set(EXEMPT)
    for examples, gallery in zip(
        _as_list(conf["examples_dirs"]), _as_list(conf["gallery_dirs"]), strict=True
    ):
        examples, gallery = (src / examples).resolve(), src / gallery
        notebooks = []
        for script in sorted(examples.rglob("plot_*.py")):
            relative = script.relative_to(examples)
            target = gallery / relative.with_suffix(".ipynb")
            if not target.parent.is_dir():
                continue
            if relative.as_posix() in exempt:
                text = example_notebook(script, standalone=False)
            else:
                text = example_notebook(script)
            _write_if_changed(target, text)
            copy = gallery / relative
            if copy.is_file():
                # sphinx-gallery copies the source over this on every build: keep the
                # source's time, so the page is re-read only when the source changed.
                _write_if_changed(copy, install_note() + script.read_text(encoding="utf-8"))
                stat = script.stat()
                os.utime(copy, ns=(stat.st_atime_ns, stat.st_mtime_ns))
                _zip_if_changed(
                    target.with_suffix(".zip"), [copy, target], relative_to=target.parent
                )
            notebooks.append(target)
        everything = gallery / f"{gallery.name}_jupyter.zip"
        if everything.is_file():
            _zip_if_changed(everything, notebooks, relative_to=gallery)
        scripts = [gallery / s.relative_to(examples) for s in sorted(examples.rglob("plot_*.py"))]
        everything = gallery / f"{gallery.name}_python.zip"
        if everything.is_file():
            _zip_if_changed(everything, [s for s in scripts if s.is_file()], relative_to=gallery)


def _as_list(value) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _write_if_changed(path: Path, text: str) -> None:
    """Write only on a change: an unchanged file keeps its time, so Sphinx re-reads nothing."""
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def _zip_if_changed(path: Path, members: list[Path], relative_to: Path) -> None:
    wanted = {m.relative_to(relative_to).as_posix(): m.read_bytes() for m in members}
    if path.is_file():
        with zipfile.ZipFile(path) as archive:
            current = {n: archive.read(n) for n in archive.namelist()}
        if current == wanted:
            return
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in wanted.items():
            archive.writestr(name, data)
    path.write_bytes(buffer.getvalue())


def build_wheel(app, exception) -> None:  # pragma: no cover - exercised by the docs build
    """Build the package's wheel beside the home page (offline: no build isolation)."""
    if exception is not None or app.builder.format != "html":
        return
    root = Path(app.srcdir).parent
    inputs = [root / "pyproject.toml", *(root / "hw1").rglob("*")]
    newest = max(p.stat().st_mtime for p in inputs if p.is_file())
    built = list(Path(app.outdir).glob("hw1-*.whl"))
    if built and all(w.stat().st_mtime > newest for w in built):
        return  # the wheel beside the home page is newer than every input
    for wheel in built:
        wheel.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
             "--no-index", "-q", "-w", tmp, str(root)],
            check=True, cwd=tmp,
        )  # fmt: skip
        for wheel in Path(tmp).glob("*.whl"):
            (Path(app.outdir) / wheel.name).write_bytes(wheel.read_bytes())
            index = (Path(app.srcdir) / "index.md").read_text(encoding="utf-8")
            if wheel.name not in index:
                from sphinx.util import logging

                logging.getLogger(__name__).warning(
                    f"docs/index.md does not link the wheel {wheel.name}"
                )


def setup(app):  # pragma: no cover - exercised by the docs build
    # After sphinx-gallery's own builder-inited handler (default priority 500).
    app.connect("builder-inited", rewrite_gallery_downloads, priority=900)
    app.connect("build-finished", build_wheel)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


__all__ = [
    "Definition",
    "Inliner",
    "Script",
    "check_unique_names",
    "closure",
    "expand_namespaces",
    "import_block",
    "order",
    "requirements",
    "standalone_script",
]
