"""Units through formulas: what a derived figure measures, computed from its inputs.

A derived figure's formula combines figures with units (US$ billion, billion
cubic metres, per cent, calendar years). :func:`formula_dimension` walks the
parsed formula and works out the unit of the result, the way a careful
editor would: an amount plus an amount of the same currency and scale is an
amount of that currency; an amount divided by an amount of the same currency
is a plain ratio; a year minus a year is a number of years. Mixing
currencies, adding billions to millions, or computing with ranks is an
error that names the figures involved.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass, field

from briefing.entries import SCALE_FACTORS, Scale, Unit
from briefing.formula import Formula, dotted_name

VOLUME = "cubic metres"
YEARS = "years"


class UnitError(ValueError):
    """A formula that combines units in a way that has no meaning."""


@dataclass(frozen=True)
class Dimension:
    """The unit of a value inside a formula."""

    bases: tuple[tuple[str, int], ...] = ()  # e.g. (("USD", 1),), (("cubic metres", 1),); () is a plain number
    scale: float = 1.0  # of a value with bases: 1e9 when the number counts billions
    point: str | None = None  # "year" for a calendar year, "rank" for a rank: positions, not amounts
    names: dict[str, str] = field(default_factory=dict, compare=False)  # base -> id of the figure it came from

    @property
    def currency(self) -> str | None:
        """The currency of an amount of money, if this is one."""
        currencies = [base for base, power in self.bases if power == 1 and base not in (VOLUME, YEARS)]
        return currencies[0] if len(self.bases) == 1 and currencies else None

    def describe(self) -> str:
        """The unit in words, e.g. 'USD billion' or 'a plain number'."""
        if self.point:
            return "a calendar year" if self.point == "year" else "a rank"
        if not self.bases:
            return "a plain number"
        scale = {float(factor): scale.value for scale, factor in SCALE_FACTORS.items()}.get(self.scale)
        unit = " × ".join(base if power == 1 else f"{base}^{power}" for base, power in self.bases)
        return f"{unit} ({scale})" if scale else unit


def unit_dimension(figure_id: str, unit: Unit, currency: str | None, scale: Scale | None) -> Dimension:
    """The dimension of a figure's value, given its unit fields."""
    factor = float(SCALE_FACTORS[scale]) if scale else 1.0
    if unit is Unit.currency and currency:
        return Dimension(((currency, 1),), factor, names={currency: figure_id})
    if unit is Unit.cubic_metres:
        return Dimension(((VOLUME, 1),), factor, names={VOLUME: figure_id})
    if unit is Unit.years:
        return Dimension(((YEARS, 1),), 1.0, names={YEARS: figure_id})
    if unit is Unit.year:
        return Dimension(point="year", names={"year": figure_id})
    if unit is Unit.rank:
        return Dimension(point="rank", names={"rank": figure_id})
    return Dimension()  # percent, multiplier, count: plain numbers


def _combine(left: Dimension, right: Dimension, sign: int) -> Dimension:
    powers: dict[str, int] = dict(left.bases)
    for base, power in right.bases:
        powers[base] = powers.get(base, 0) + sign * power
    bases = tuple(sorted((base, power) for base, power in powers.items() if power))
    scale = left.scale * right.scale if sign > 0 else left.scale / right.scale
    return Dimension(bases, scale if bases else 1.0, names={**right.names, **left.names})


def _check_currencies(left: Dimension, right: Dimension, verb: str) -> None:
    mine = {base for base, _ in left.bases if base not in (VOLUME, YEARS)}
    theirs = {base for base, _ in right.bases if base not in (VOLUME, YEARS)}
    if mine and theirs and mine != theirs:
        first, second = sorted(mine)[0], sorted(theirs)[0]
        raise UnitError(
            f"{verb} {left.names.get(first, '?')} ({first}) and {right.names.get(second, '?')} ({second}): mixed currencies"
        )


def _add(left: Dimension, right: Dimension, node: ast.BinOp) -> Dimension:
    verb = "adds" if isinstance(node.op, ast.Add) else "subtracts"
    if left.point or right.point:
        if left.point == "rank" or right.point == "rank":
            raise UnitError(
                f"{verb} a rank ({(left.names | right.names).get('rank')}): ranks are positions, not amounts"
            )
        if left.point == "year" and right.point == "year" and isinstance(node.op, ast.Sub):
            return Dimension(((YEARS, 1),), names={YEARS: left.names.get("year", "")})
        if left.point == "year" and right.bases == ((YEARS, 1),):
            return left
        if right.point == "year" and left.bases == ((YEARS, 1),) and isinstance(node.op, ast.Add):
            return right
        raise UnitError(
            f"{verb} a calendar year and {right.describe() if left.point else left.describe()}: only year − year and year ± years have a meaning"
        )
    _check_currencies(left, right, verb)
    if left.bases != right.bases:
        if not left.bases or not right.bases:
            amount = right if not left.bases else left
            raise UnitError(f"{verb} a plain number and {amount.describe()} ({ast.unparse(node)})")
        raise UnitError(f"{verb} {left.describe()} and {right.describe()}")
    if left.bases and left.scale != right.scale:
        raise UnitError(f"{verb} {left.describe()} and {right.describe()}: use figures of one scale")
    return Dimension(left.bases, left.scale, names={**right.names, **left.names})


def formula_dimension(formula: Formula, dimensions: Mapping[str, Dimension]) -> Dimension:
    """The unit of ``formula``'s result, given the unit of each id it uses; raise UnitError if it has none."""

    def walk(node: ast.expr) -> Dimension:
        name = dotted_name(node)
        if name is not None:
            return dimensions[name]
        if isinstance(node, ast.Constant):
            return Dimension()
        if isinstance(node, ast.UnaryOp):
            return walk(node.operand)
        assert isinstance(node, ast.BinOp)
        left, right = walk(node.left), walk(node.right)
        if isinstance(node.op, (ast.Add, ast.Sub)):
            return _add(left, right, node)
        for side in (left, right):
            if side.point:
                raise UnitError(
                    f"multiplies or divides {side.describe()} ({side.names.get(side.point, '?')}): "
                    "years and ranks are positions; subtract years to get a number of years"
                )
        verb = "multiplies" if isinstance(node.op, ast.Mult) else "divides"
        _check_currencies(left, right, verb)
        return _combine(left, right, 1 if isinstance(node.op, ast.Mult) else -1)

    return walk(formula.tree)


def unit_of_result(dimension: Dimension) -> tuple[Unit, str | None, Scale | None] | None:
    """The unit fields a derived figure of this dimension gets, or None for a plain number (the editor says which)."""
    scale = next((name for name, factor in SCALE_FACTORS.items() if factor == dimension.scale), None)
    if dimension.point == "year":
        return Unit.year, None, None
    if dimension.bases == ((YEARS, 1),):
        return Unit.years, None, None
    if dimension.bases == ((VOLUME, 1),):
        return Unit.cubic_metres, None, scale
    if dimension.currency:
        return Unit.currency, dimension.currency, scale
    return None
