"""What a module that drives flows may add to the engine's actions (documents, meetings...).

A module registers its hooks once, from its AppConfig.ready(), for the flows it starts
(ProcessDefinition.module). The workflow actions call them inside their own transaction, so a
refusal from a hook rolls the whole action back. This is an explicit registry, not signals:
the engine names the two moments it offers, and each is called from exactly one place.

- before_complete(task, *, acting_user, outcome, opinion, data) -> dict | None: check and
  apply the module's side of a step (e.g. 签发 records the signer, 编号登记 allocates the
  number); raise ActionError to refuse; a returned dict is merged into the step's form data.
- after_advance(instance, *, actor) -> None: the instance moved (started, a step completed,
  returned, withdrawn, a timer fired, ended or was cancelled): sync the module's own state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ModuleHooks:
    before_complete: Callable[..., dict | None] | None = None
    after_advance: Callable[..., None] | None = None


_registry: dict[str, ModuleHooks] = {}


def register(module: str, hooks: ModuleHooks) -> None:
    _registry[module] = hooks


def hooks_for(module: str) -> ModuleHooks | None:
    return _registry.get(module) if module else None


def before_complete(task, **kwargs) -> dict | None:
    hooks = hooks_for(task.instance.module)
    if hooks is None or hooks.before_complete is None:
        return None
    return hooks.before_complete(task, **kwargs)


def after_advance(instance, *, actor) -> None:
    hooks = hooks_for(instance.module)
    if hooks is not None and hooks.after_advance is not None:
        hooks.after_advance(instance, actor=actor)
