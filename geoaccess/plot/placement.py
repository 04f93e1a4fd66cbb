"""Where labels and symbols go: names that give way, numbers that find room, sites spread.

Printed maps carry two kinds of label: site numbers, which must all show (a reader looks
them up in the key), and place names, which are context and may give way. A
:class:`LabelLayer` on each map places them when the figure is drawn, at its final size:
each site number takes the first of sixteen positions around its symbol that overlaps no
label or symbol already placed (or the least crowded one); then place names are drawn in
order of importance (towns first), each only if it overlaps nothing placed and lies
inside the frame. :func:`spread_offsets` moves symbols of sites at (nearly) the same place
onto a small ring around it, joined to the true place by a leader line, so that each
shows.

Examples
--------
>>> spread_offsets([0.0, 3.8, 5000.0], [0.0, 0.0, 0.0], within=50.0, radius_pt=6.0)
array([[-6.,  0.],
       [ 6.,  0.],
       [ 0.,  0.]])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import numpy as np
from matplotlib.artist import Artist, allow_rasterization

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.text import Text

__all__ = ["LabelLayer", "halo", "offset_transform", "spread_offsets"]

#: Positions of a number around its symbol, in units of the symbol's radius: upper right
#: first (the cartographer's default), then the other corners and sides, then the same
#: a little further out.
_RING = ((0.75, 0.75, "left", "bottom"), (0.75, -0.75, "left", "top"),
         (-0.75, 0.75, "right", "bottom"), (-0.75, -0.75, "right", "top"),
         (1.0, 0.0, "left", "center"), (-1.0, 0.0, "right", "center"),
         (0.0, 1.0, "center", "bottom"), (0.0, -1.0, "center", "top"))
_AROUND = _RING + tuple((1.8 * fx, 1.8 * fy, ha, va) for fx, fy, ha, va in _RING)


def halo(width: float = 2.2, colour: str = "white") -> list[Any]:
    """A white outline around text, so it reads over any fill (matplotlib path effects).

    Examples
    --------
    >>> len(halo())
    1
    """
    from matplotlib import patheffects

    return [patheffects.withStroke(linewidth=width, foreground=colour)]


def offset_transform(ax: Axes, dx_pt: float, dy_pt: float) -> Any:
    """The axes' data transform moved by (dx, dy) points on the page."""
    from matplotlib.transforms import ScaledTranslation

    return ax.transData + ScaledTranslation(dx_pt / 72.0, dy_pt / 72.0,
                                            ax.figure.dpi_scale_trans)


def spread_offsets(x: Sequence[float], y: Sequence[float], *, within: float,
                   radius_pt: float) -> np.ndarray:
    """Offsets (points) that spread symbols closer than ``within`` onto a ring.

    Points are grouped when chains of them lie within ``within`` (data units) of each
    other; each group of ``k`` > 1 is drawn on a ring of ``radius_pt`` points (wider for
    larger groups) around its mean position, in a fixed order (west to east: left to
    right for two, clockwise from the top for more), so the same sites are spread the
    same way on every map. Points alone stay where they are (offset 0, 0).

    Parameters
    ----------
    x, y : sequence of float
        Positions in data units (metres).
    within : float
        Distance below which symbols would overlap, in data units.
    radius_pt : float
        Radius of the ring for a pair, in points.

    Returns
    -------
    numpy.ndarray
        ``(n, 2)`` offsets in points from each point's own position (points of a group
        are so close that the ring reads as centred on all of them).

    Examples
    --------
    Three sites within 10 m, one far away:

    >>> spread_offsets([0, 5, 0, 900], [0, 0, 5, 0], within=20, radius_pt=6).round(1)
    array([[ 0. ,  7.2],
           [-6.2, -3.6],
           [ 6.2, -3.6],
           [ 0. ,  0. ]])
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components
    from scipy.spatial import cKDTree

    xy = np.column_stack([np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)])
    n = len(xy)
    out = np.zeros((n, 2))
    if n < 2 or not within > 0:
        return out
    pairs = cKDTree(xy).query_pairs(float(within), output_type="ndarray")
    if len(pairs) == 0:
        return out
    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    _, group = connected_components(graph, directed=False)
    for g in np.unique(group):
        members = np.flatnonzero(group == g)
        k = len(members)
        if k < 2:
            continue
        # the offsets are on the page, in points: data-unit differences inside a group are
        # far below a point, so every member is drawn on the ring around the group
        r = radius_pt * (1.0 if k == 2 else 1.2 + 0.15 * (k - 3))
        if k == 2:
            angles = np.array([np.pi, 0.0])
        else:
            angles = np.pi / 2 - 2 * np.pi * np.arange(k) / k
        order = np.lexsort((xy[members, 1], xy[members, 0]))
        out[members[order], 0] = r * np.cos(angles)
        out[members[order], 1] = r * np.sin(angles)
    return np.round(out, 6) + 0.0


@dataclass
class _Number:
    text: Text
    x: float
    y: float
    dx_pt: float
    dy_pt: float
    radius_pt: float


@dataclass
class _Name:
    text: Text
    priority: float
    order: int
    always: bool


#: Positions tried for a place name, in points from its place: on it, then beside it,
#: then a little further away.
_NAME_SHIFTS = tuple((0.0, 0.0, "center", "center") if d == 0 else s for d in (0, 4, 9)
                     for s in ((0.0, d, "center", "bottom"), (0.0, -d, "center", "top"),
                               (d, 0.0, "left", "center"), (-d, 0.0, "right", "center"),
                               (d, d, "left", "bottom"), (-d, -d, "right", "top"),
                               (-d, d, "right", "bottom"), (d, -d, "left", "top")))
_NAME_SHIFTS = tuple(dict.fromkeys(_NAME_SHIFTS))


@dataclass
class _Symbol:
    x: float
    y: float
    dx_pt: float
    dy_pt: float
    radius_pt: float


def _overlap(boxes: np.ndarray, box: np.ndarray) -> float:
    """Total area of ``box`` overlapped by ``boxes`` (rows x0, y0, x1, y1)."""
    if len(boxes) == 0:
        return 0.0
    w = np.minimum(boxes[:, 2], box[2]) - np.maximum(boxes[:, 0], box[0])
    h = np.minimum(boxes[:, 3], box[3]) - np.maximum(boxes[:, 1], box[1])
    return float(np.sum(np.clip(w, 0, None) * np.clip(h, 0, None)))


def _outside(frame: Any, box: np.ndarray) -> float:
    """Area of ``box`` outside the frame (display units)."""
    w = box[2] - box[0]
    h = box[3] - box[1]
    iw = max(0.0, min(box[2], frame.x1) - max(box[0], frame.x0))
    ih = max(0.0, min(box[3], frame.y1) - max(box[1], frame.y0))
    return float(w * h - iw * ih)


class LabelLayer(Artist):
    """Site numbers and place names of one map, placed when the figure is drawn.

    Get a map's layer with :meth:`of`; ``numbers`` (always drawn, placed around
    their symbol) and ``names`` (drawn when they fit) are added by
    :func:`~geoaccess.plot_sites` and :func:`~geoaccess.plot.draw_context`. After a
    draw, :meth:`drawn_texts` lists what was drawn.
    """

    zorder = 12.0

    def __init__(self) -> None:
        super().__init__()
        self._numbers: list[_Number] = []
        self._names: list[_Name] = []
        self._symbols: list[_Symbol] = []
        self._drawn: list[Text] = []
        self.set_gid("labels")

    @classmethod
    def of(cls, ax: Axes) -> LabelLayer:
        """The label layer of ``ax`` (made and added on first use)."""
        for artist in ax.artists:
            if isinstance(artist, cls):
                return artist
        layer = cls()
        ax.add_artist(layer)
        return layer

    def _own(self, text: Text) -> None:
        # the layer draws the text itself: take it off the axes' own list of texts
        if text.axes is not None and text in text.axes.texts:
            text.remove()
        text.set_figure(self._map_axes.figure)

    def add_number(self, text: Text, x: float, y: float, *, dx_pt: float = 0.0,
                   dy_pt: float = 0.0, radius_pt: float = 4.0) -> None:
        """A label that must show, placed around a symbol at (x, y) + offset."""
        self._own(text)
        self._numbers.append(_Number(text, float(x), float(y), dx_pt, dy_pt, radius_pt))

    def add_name(self, text: Text, *, priority: float = 5.0, always: bool = False) -> None:
        """A name drawn on its place, or beside it if it fits there.

        Lower ``priority`` numbers are placed first; with ``always``, the name is drawn
        where it overlaps least even when it fits nowhere.
        """
        self._own(text)
        self._names.append(_Name(text, float(priority), len(self._names), bool(always)))

    def add_symbol(self, x: float, y: float, *, dx_pt: float = 0.0, dy_pt: float = 0.0,
                   radius_pt: float = 4.0) -> None:
        """A symbol that labels keep clear of."""
        self._symbols.append(_Symbol(float(x), float(y), dx_pt, dy_pt, radius_pt))

    @property
    def _map_axes(self) -> Axes:
        return cast("Axes", self.axes)

    @property
    def numbers(self) -> list[Text]:
        """The texts of the site numbers, in the order added."""
        return [n.text for n in self._numbers]

    @property
    def names(self) -> list[Text]:
        """The texts of the place names, in the order added."""
        return [n.text for n in self._names]

    def drawn_texts(self) -> list[str]:
        """Text of every label drawn at the last draw."""
        return [t.get_text() for t in self._drawn]

    def get_children(self) -> list[Any]:
        """The texts of the layer (numbers, then names)."""
        return [*self.numbers, *self.names]

    @allow_rasterization
    def draw(self, renderer: Any) -> None:
        """Place and draw the labels: towns, then numbers, then the other names."""
        if not self.get_visible():
            return
        ax = self._map_axes
        frame = ax.bbox
        pt = renderer.points_to_pixels(1.0)
        placed = []
        for s in self._symbols:
            cx, cy = ax.transData.transform((s.x, s.y))
            cx, cy = cx + s.dx_pt * pt, cy + s.dy_pt * pt
            r = s.radius_pt * pt
            placed.append([cx - r, cy - r, cx + r, cy + r])
        boxes = np.asarray(placed, dtype=np.float64).reshape(-1, 4)
        self._drawn = []
        names = sorted(self._names, key=lambda m: (m.priority, m.order))
        # towns first (few, and always shown), then every number, then the other names
        for name in [m for m in names if m.always]:
            boxes = self._draw_name(name, renderer, frame, boxes, pt)
        for n in self._numbers:
            best: tuple[float, Any, np.ndarray] | None = None
            for fx, fy, ha, va in _AROUND:
                self._place(n.text, n.x, n.y, (n.dx_pt + fx * (n.radius_pt + 0.8),
                                               n.dy_pt + fy * (n.radius_pt + 0.8), ha, va))
                bb = n.text.get_window_extent(renderer)
                box = np.array([bb.x0, bb.y0, bb.x1, bb.y1])
                cost = _overlap(boxes, box) + 4 * _outside(frame, box)
                if best is None or cost < best[0]:
                    best = (cost, (fx, fy, ha, va), box)
                if cost == 0:
                    break
            assert best is not None  # sixteen candidates were tried
            fx, fy, ha, va = best[1]
            self._place(n.text, n.x, n.y, (n.dx_pt + fx * (n.radius_pt + 0.8),
                                           n.dy_pt + fy * (n.radius_pt + 0.8), ha, va))
            n.text.draw(renderer)
            self._drawn.append(n.text)
            boxes = np.vstack([boxes, best[2]])
        for name in [m for m in names if not m.always]:
            boxes = self._draw_name(name, renderer, frame, boxes, pt)
        self.stale = False

    def _draw_name(self, name: _Name, renderer: Any, frame: Any, boxes: np.ndarray,
                   pt: float) -> np.ndarray:
        """Draw a name where it fits (or, if it must show, where it overlaps least)."""
        pad = 1.5 * pt
        x, y = name.text.get_position()
        fits: tuple[float, tuple[Any, ...], np.ndarray] | None = None
        for shift in _NAME_SHIFTS:
            self._place(name.text, x, y, shift)
            bb = name.text.get_window_extent(renderer)
            box = np.array([bb.x0 - pad, bb.y0 - pad, bb.x1 + pad, bb.y1 + pad])
            cost = _overlap(boxes, box) + 4 * _outside(frame, box)
            if fits is None or cost < fits[0]:
                fits = (cost, shift, box)
            if cost == 0:
                break
        assert fits is not None  # at least one position was tried
        if fits[0] > 0 and not name.always:
            self._place(name.text, x, y, _NAME_SHIFTS[0])
            return boxes
        self._place(name.text, x, y, fits[1])
        name.text.draw(renderer)
        self._drawn.append(name.text)
        return np.vstack([boxes, fits[2]])

    def _place(self, text: Text, x: float, y: float, shift: tuple[Any, ...]) -> None:
        dx, dy, ha, va = shift
        text.set_transform(offset_transform(self._map_axes, dx, dy))
        text.set_position((x, y))
        text.set_horizontalalignment(ha)
        text.set_verticalalignment(va)
