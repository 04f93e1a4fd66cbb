"""Progress bars: rich in Jupyter when ipywidgets is there, plain text otherwise."""

from __future__ import annotations

import importlib.util
from typing import Any


def tqdm(*args: Any, **kwargs: Any) -> Any:
    """A tqdm bar; the notebook widget only when ipywidgets is installed (no warning)."""
    if importlib.util.find_spec("ipywidgets") is not None:
        from tqdm.auto import tqdm as bar
    else:
        from tqdm.std import tqdm as bar
    return bar(*args, **kwargs)
