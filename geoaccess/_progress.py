"""Progress bars: rich in Jupyter when ipywidgets is there, plain text otherwise."""

from __future__ import annotations

import importlib.util
from typing import Any


def tqdm(*args: Any, **kwargs: Any) -> Any:
    """A tqdm bar; the notebook widget only when ipywidgets is installed (no warning)."""
    bar: Any
    if importlib.util.find_spec("ipywidgets"):  # importing tqdm.auto without it warns
        import tqdm.auto

        bar = tqdm.auto.tqdm
    else:
        import tqdm.std

        bar = tqdm.std.tqdm
    return bar(*args, **kwargs)
