"""Progress bars: rich in Jupyter when ipywidgets is there, plain text otherwise."""

from __future__ import annotations

import importlib.util
from typing import Any


def tqdm(*args: Any, **kwargs: Any) -> Any:
    """A tqdm bar; the notebook widget only when ipywidgets is installed (no warning)."""
    import tqdm.auto
    import tqdm.std

    bar: Any = tqdm.auto.tqdm if importlib.util.find_spec("ipywidgets") else tqdm.std.tqdm
    return bar(*args, **kwargs)
