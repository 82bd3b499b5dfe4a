"""No code reaches into another collection's or resource's private members.

The rule, checked over the package's source (AST):

* The *object model's classes* are ``Resource``, ``Collection``, ``Listing`` (and their
  base ``Scoped``) and every
  package class deriving from them. Their *private members* are the ``_single_underscore``
  names those classes define: methods, class attributes, and ``self._x = ...`` in methods.
* An attribute access ``x._name`` with ``_name`` among those members is allowed only when
  ``x`` is ``self``, ``cls``, ``super()``, ``type(self)``, or a name the same module defines
  at its top level (a class method of the module's own class: ``ModelExport._from_data``).
  Anything else (another collection made on the spot, a local, a parameter, an imported
  class) is one object reaching into another's machinery: collections find each other
  through the client's public accessors, the doctor reads declarations through
  ``sambastudio._declaration.declaration``.
* The contract modules are exempt: ``_resource.py``, ``_collection.py`` and
  ``_declaration.py`` implement the protocol between a resource and its collection
  (binding, route keys, fetching, declarations), which spans both sides.
* ``Client``'s private plumbing (``client._request``...) is not part of the object model,
  so no member may share a name with it (checked here): the rule stays exact.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "sambastudio"
ROOTS = frozenset({"Resource", "Scoped", "Collection", "Listing"})
CONTRACT = frozenset({"_resource.py", "_collection.py", "_declaration.py"})


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _trees() -> dict[Path, ast.Module]:
    return {path: ast.parse(path.read_text(), str(path)) for path in PACKAGE.rglob("*.py")}


def _classes(trees: dict[Path, ast.Module]) -> list[ast.ClassDef]:
    return [
        node for tree in trees.values() for node in ast.walk(tree) if isinstance(node, ast.ClassDef)
    ]


def _base_names(node: ast.ClassDef) -> set[str]:
    names = set()
    for base in node.bases:
        target = base.value if isinstance(base, ast.Subscript) else base
        if isinstance(target, ast.Name):
            names.add(target.id)
        elif isinstance(target, ast.Attribute):
            names.add(target.attr)
    return names


def object_model(classes: list[ast.ClassDef]) -> list[ast.ClassDef]:
    """The classes deriving, through package classes, from the contract's roots."""
    found = {node.name for node in classes if node.name in ROOTS}
    grew = True
    while grew:
        more = {node.name for node in classes if _base_names(node) & found} - found
        found |= more
        grew = bool(more)
    return [node for node in classes if node.name in found]


def members(node: ast.ClassDef) -> set[str]:
    """The private names a class defines in its body or assigns on ``self``."""
    names: set[str] = set()
    for item in node.body:
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(item.name)
            for sub in ast.walk(item):
                if (
                    isinstance(sub, ast.Attribute)
                    and isinstance(sub.ctx, ast.Store)
                    and isinstance(sub.value, ast.Name)
                    and sub.value.id == "self"
                ):
                    names.add(sub.attr)
        elif isinstance(item, ast.Assign):
            names |= {t.id for t in item.targets if isinstance(t, ast.Name)}
        elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
            names.add(item.target.id)
    return {name for name in names if _is_private(name)}


def _top_level_names(tree: ast.Module) -> set[str]:
    defined = (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    names = {node.name for node in tree.body if isinstance(node, defined)}
    for node in tree.body:
        if isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names


def _is_own(value: ast.expr, module_names: set[str]) -> bool:
    if isinstance(value, ast.Name):
        return value.id in ("self", "cls") or value.id in module_names
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
        if value.func.id == "super":
            return True
        if value.func.id == "type" and len(value.args) == 1:
            argument = value.args[0]
            return isinstance(argument, ast.Name) and argument.id == "self"
    return False


def crossings(tree: ast.Module, private: set[str]) -> Iterator[tuple[int, str]]:
    """``(line, source)`` of each access in ``tree`` that breaks the rule."""
    module_names = _top_level_names(tree)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in private
            and not _is_own(node.value, module_names)
        ):
            yield node.lineno, ast.unparse(node)


def _private_members(trees: dict[Path, ast.Module]) -> set[str]:
    return set().union(*(members(node) for node in object_model(_classes(trees))))


def test_no_module_reaches_into_another_objects_private_members() -> None:
    trees = _trees()
    private = _private_members(trees)
    found = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: {source}"
        for path, tree in sorted(trees.items())
        if path.name not in CONTRACT or path.parent != PACKAGE
        for line, source in crossings(tree, private)
    ]
    assert found == []


def test_the_rule_knows_the_object_model_and_stays_clear_of_the_clients_plumbing() -> None:
    trees = _trees()
    names = {node.name for node in object_model(_classes(trees))}
    assert {"Resource", "Waitable", "Collection", "Listing", "ProjectJobs", "JobLogs"} <= names
    assert "Client" not in names
    private = _private_members(trees)
    assert {"_fetch", "_create", "_build", "_declared", "_route_key", "_bind"} <= private
    client = next(node for node in _classes(trees) if node.name == "Client")
    assert members(client) & private == set()


def test_the_rule_flags_a_collection_calling_anothers_private_method() -> None:
    source = """
class Models:
    def _create(self): ...
    def import_model(self):
        imports = _Imports(self._client)
        _Imports(self._client)._fetch("x")
        return imports._create("import_model")
    def own(self):
        return self._create(), super()._create(), type(self)._create(), Models._create()
"""
    found = list(crossings(ast.parse(source), {"_create", "_fetch"}))
    assert found == [(6, "_Imports(self._client)._fetch"), (7, "imports._create")]
