"""Expressions in BPMN (gateway conditions, completion conditions, timer values).

SpiffWorkflow evaluates them as Python with `eval`. A unit administrator edits the BPMN, and a
unit must never run code on the shared platform, so only a small, side-effect-free subset of
Python is accepted: literals, names of process variables, comparisons, boolean logic, + - / %,
subscripts and a few pure functions. The check runs when a definition is deployed (so a bad
expression is refused with its element) and again before every evaluation.
"""

from __future__ import annotations

import ast
from functools import lru_cache

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

SAFE_FUNCTIONS = {
    "len": len,
    "min": min,
    "max": max,
    "any": any,
    "all": all,
    "sum": sum,
    "abs": abs,
    "round": round,
    "str": str,
    "int": int,
    "float": float,
    "bool": bool,
    "sorted": sorted,
}

_ALLOWED_NODES = (
    ast.Expression,
    ast.BoolOp,
    ast.And,
    ast.Or,
    ast.UnaryOp,
    ast.Not,
    ast.USub,
    ast.UAdd,
    ast.BinOp,
    # No * or **: "x" * 10**9 would let a condition exhaust the worker's memory.
    ast.Add,
    ast.Sub,
    ast.Div,
    ast.FloorDiv,
    ast.Mod,
    ast.Compare,
    ast.Eq,
    ast.NotEq,
    ast.Lt,
    ast.LtE,
    ast.Gt,
    ast.GtE,
    ast.In,
    ast.NotIn,
    ast.Is,
    ast.IsNot,
    ast.IfExp,
    ast.Name,
    ast.Load,
    ast.Constant,
    ast.List,
    ast.Tuple,
    ast.Set,
    ast.Dict,
    ast.Subscript,
    ast.Slice,
    ast.Call,
)
MAX_LENGTH = 2000


class UnsafeExpression(ValueError):
    """The expression is not in the accepted subset; the message says why (in Chinese, for the editor)."""


@lru_cache(maxsize=2048)
def check_expression(source: str) -> ast.Expression:
    """Parse `source` and refuse anything outside the subset. Cached: definitions repeat them."""
    if not source or not source.strip():
        raise UnsafeExpression("表达式为空。")
    if len(source) > MAX_LENGTH:
        raise UnsafeExpression(f"表达式超过 {MAX_LENGTH} 个字符。")
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise UnsafeExpression(f"表达式语法错误：{exc.msg}。") from exc
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED_NODES):
            raise UnsafeExpression(f"表达式中不允许使用 {type(node).__name__}。")
        if isinstance(node, ast.Name) and node.id.startswith("_"):
            raise UnsafeExpression(f"变量名不能以下划线开头：{node.id}。")
        if isinstance(node, ast.Call) and not (
            isinstance(node.func, ast.Name) and node.func.id in SAFE_FUNCTIONS
        ):
            raise UnsafeExpression("表达式只能调用这些函数：" + "、".join(sorted(SAFE_FUNCTIONS)) + "。")
        if isinstance(node, ast.Constant) and isinstance(node.value, str | bytes) and len(node.value) > 500:
            raise UnsafeExpression("表达式中的字符串过长。")
    return tree


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """Evaluates checked expressions with no builtins; scripts are refused outright."""

    def evaluate(self, expression, context, external_context=None):
        tree = check_expression(expression)
        scope = {"__builtins__": {}, **SAFE_FUNCTIONS, **(external_context or {}), **context}
        return eval(compile(tree, "<bpmn>", "eval"), scope)  # noqa: S307 (checked subset, no builtins)

    def execute(self, script, context, external_context=None):
        raise UnsafeExpression("本平台的流程不执行脚本。")

    def call_service(self, context, **kwargs):
        raise UnsafeExpression("本平台的流程不调用外部服务。")


def restricted_script_engine() -> PythonScriptEngine:
    return PythonScriptEngine(environment=RestrictedEnvironment())
