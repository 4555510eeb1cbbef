"""Derived figures: formulas over figure ids, parsed safely and evaluated in order.

A formula is ordinary arithmetic over dotted ids
(``trade.turnover_2022 / trade.target_2024 * 100``). It is parsed with
:mod:`ast`, never ``eval``-ed: only numbers, ids, ``+ - * /`` and brackets
are allowed. Derived figures may use other derived figures; cycles and
division by zero are reported as problems.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass

_OPERATORS: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
_SYMBOLS: dict[type[ast.operator], str] = {ast.Add: "+", ast.Sub: "−", ast.Mult: "×", ast.Div: "÷"}


class FormulaError(ValueError):
    """A formula that cannot be parsed or evaluated."""


def dotted_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        parent = dotted_name(node.value)
        return f"{parent}.{node.attr}" if parent else None
    return None


@dataclass(frozen=True)
class Formula:
    """A parsed formula and the ids it uses."""

    text: str
    tree: ast.expr
    names: tuple[str, ...]

    @classmethod
    def parse(cls, text: str) -> Formula:
        """Parse ``text``; raise :class:`FormulaError` for anything but arithmetic over ids."""
        try:
            tree = ast.parse(text, mode="eval").body
        except SyntaxError as error:
            raise FormulaError(f"formula is not valid arithmetic: {error.msg}") from None
        names: list[str] = []

        def visit(node: ast.expr) -> None:
            name = dotted_name(node)
            if name is not None:
                names.append(name)
            elif isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
                visit(node.left)
                visit(node.right)
            elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
                visit(node.operand)
            elif (
                isinstance(node, ast.Constant)
                and isinstance(node.value, (int, float))
                and not isinstance(node.value, bool)
            ):
                return
            else:
                raise FormulaError(
                    f"formula may only use numbers, ids, + - * / and brackets, not {ast.unparse(node)!r}"
                )

        visit(tree)
        return cls(text=text, tree=tree, names=tuple(dict.fromkeys(names)))

    def evaluate(self, values: Mapping[str, float]) -> float:
        """The formula's value, given the values of the ids it uses."""

        def calc(node: ast.expr) -> float:
            name = dotted_name(node)
            if name is not None:
                return values[name]
            if isinstance(node, ast.BinOp):
                left, right = calc(node.left), calc(node.right)
                if isinstance(node.op, ast.Div) and right == 0:
                    raise FormulaError(f"division by zero: {ast.unparse(node.right)} is 0")
                return _OPERATORS[type(node.op)](left, right)
            if isinstance(node, ast.UnaryOp):
                return -calc(node.operand)
            assert isinstance(node, ast.Constant)
            return float(node.value)  # type: ignore[arg-type]  # a number: checked above

        return calc(self.tree)

    def readable(self, labels: Mapping[str, str]) -> str:
        """The formula with ids replaced by labels and operators by their signs."""

        def show(node: ast.expr, parent_precedence: int = 0) -> str:
            name = dotted_name(node)
            if name is not None:
                return labels.get(name, name)
            if isinstance(node, ast.BinOp):
                precedence = 1 if isinstance(node.op, (ast.Add, ast.Sub)) else 2
                text = f"{show(node.left, precedence)} {_SYMBOLS[type(node.op)]} {show(node.right, precedence + 1)}"
                return f"({text})" if precedence < parent_precedence else text
            if isinstance(node, ast.UnaryOp):
                return f"−{show(node.operand, 3)}"
            assert isinstance(node, ast.Constant)
            return repr(node.value)

        return show(self.tree)


def evaluation_order(dependencies: Mapping[str, tuple[str, ...]]) -> tuple[list[str], list[list[str]]]:
    """Ids in an order where each comes after what it uses, and the cycles that prevent it."""
    order: list[str] = []
    cycles: list[list[str]] = []
    state: dict[str, str] = {}

    def visit(name: str, trail: list[str]) -> None:
        if state.get(name) == "done":
            return
        if state.get(name) == "active":
            cycles.append([*trail[trail.index(name) :], name])
            return
        state[name] = "active"
        for used in dependencies.get(name, ()):
            if used in dependencies:
                visit(used, [*trail, name])
        state[name] = "done"
        order.append(name)

    for name in dependencies:
        visit(name, [])
    return order, cycles
