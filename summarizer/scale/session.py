"""Connecting to Ray and sharing objects with its workers (Ray imported lazily)."""

from __future__ import annotations

import warnings
from typing import Any

__all__ = ["connect", "quiet_data_context", "resolve"]


def quiet_data_context() -> None:
    """Create Ray Data's context once with its own deprecation warnings silenced (its
    constructor sets deprecated fields to their defaults, which warns under ``-W error``)."""
    from ray.data import DataContext

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        DataContext.get_current()


def connect(address: str | None = None, **init_args: Any) -> None:
    """Join the cluster at ``address`` (``"auto"``: the one ``ray start`` runs on this
    machine; ``None``: a local one started for this process) unless already connected."""
    import ray

    if not ray.is_initialized():
        ray.init(address=address, include_dashboard=False, **init_args)
    quiet_data_context()


_RESOLVED: dict[str, Any] = {}


def resolve(ref: Any) -> Any:
    """``ray.get`` of a broadcast object, once per worker process (other values as is)."""
    import ray

    if not isinstance(ref, ray.ObjectRef):
        return ref
    key = ref.hex()
    if key not in _RESOLVED:
        _RESOLVED[key] = ray.get(ref)
    return _RESOLVED[key]
