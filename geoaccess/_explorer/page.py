"""A self-contained HTML page of Bokeh models: every script and style inside the file.

:class:`InteractiveMap` is what :func:`geoaccess.explore` returns and what
:func:`geoaccess.write_explorer` writes: BokehJS is inlined (``bokeh.resources.INLINE``),
so the page opens from a file with no network, in a browser or in Jupyter (where it
shows in an ``<iframe>`` of the same page).
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import Any

from ..errors import InputError

__all__ = ["InteractiveMap"]


class InteractiveMap:
    """A Bokeh layout that renders to one self-contained HTML page.

    Attributes
    ----------
    layout : bokeh.models.UIElement
        The Bokeh layout (for ``bokeh.io.show`` or embedding in a Bokeh app).
    title : str
        The page's title.
    """

    def __init__(self, layout: Any, *, title: str, height: int = 700) -> None:
        self.layout = layout
        self.title = str(title)
        self.height = int(height)

    def __repr__(self) -> str:
        return f"InteractiveMap(title={self.title!r})"

    def to_html(self) -> str:
        """The page as HTML text, with BokehJS inline (no network needed to open it)."""
        from bokeh.embed import file_html
        from bokeh.resources import INLINE

        return file_html(self.layout, INLINE, self.title)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the page to ``path`` (atomically: a temporary file, then a rename).

        Returns
        -------
        pathlib.Path
        """
        p = Path(path)
        if not p.parent.exists():
            raise InputError(f"save: folder {p.parent} does not exist", path=p.parent)
        text = self.to_html()
        tmp = p.with_name(f".{p.name}.tmp")
        try:
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, p)
        finally:
            if tmp.exists():
                tmp.unlink()
        return p

    def _repr_html_(self) -> str:
        """Jupyter: the same self-contained page in an ``<iframe>``."""
        return (f'<iframe srcdoc="{html.escape(self.to_html(), quote=True)}" '
                f'style="width:100%;height:{self.height}px;border:none" '
                f'title="{html.escape(self.title, quote=True)}"></iframe>')
