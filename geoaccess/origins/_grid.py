"""A regular grid clipped to a polygon: one weighted point per cell piece."""

from __future__ import annotations

import numpy as np
import shapely

__all__ = ["grid_pieces"]


def grid_pieces(geom: shapely.Geometry, grid_m: float, *, min_fraction: float = 0.1
                ) -> tuple[np.ndarray, np.ndarray]:
    """Points and land areas (m²) of the cells of a ``grid_m`` grid that ``geom`` covers.

    The grid is aligned on multiples of ``grid_m`` (so neighbouring areas share one grid,
    as the DfT connectivity metric's 100 m grid does). Each cell is clipped to ``geom``;
    pieces smaller than ``min_fraction`` of a cell are dropped unless none is larger
    (then the largest is kept, so any land gives at least one point). A piece's point is
    the cell centre when that lies inside the piece, else a point on the piece.

    Examples
    --------
    A 250 m × 100 m rectangle on a 100 m grid: two whole cells and a half cell, whose
    centre (x = 250) lies on its edge, so its point is inside it (x = 225).

    >>> import shapely
    >>> pts, area = grid_pieces(shapely.box(0, 0, 250, 100), 100)
    >>> area.tolist(), shapely.get_x(pts).tolist()
    ([10000.0, 10000.0, 5000.0], [50.0, 150.0, 225.0])
    """
    empty = (np.array([], dtype=object), np.zeros(0))
    if geom is None or geom.is_empty or not geom.area > 0:
        return empty
    g = float(grid_m)
    minx, miny, maxx, maxy = geom.bounds
    xs = np.arange(np.floor(minx / g) * g, maxx, g)
    ys = np.arange(np.floor(miny / g) * g, maxy, g)
    gx, gy = np.meshgrid(xs, ys)
    x0, y0 = gx.ravel(), gy.ravel()
    cells = shapely.box(x0, y0, x0 + g, y0 + g)
    shapely.prepare(geom)
    hit = shapely.intersects(geom, cells)
    cells, x0, y0 = cells[hit], x0[hit], y0[hit]
    if not len(cells):
        return empty
    pieces = shapely.intersection(cells, geom)
    area = shapely.area(pieces)
    keep = area >= min_fraction * g * g
    if not keep.any():
        keep = area == area.max()
    pieces, area, cx, cy = pieces[keep], area[keep], x0[keep] + g / 2, y0[keep] + g / 2
    centre = shapely.points(cx, cy)
    inside = shapely.contains_xy(pieces, cx, cy)
    pts = np.where(inside, centre, shapely.point_on_surface(pieces))
    return pts, np.asarray(area, dtype=np.float64)
