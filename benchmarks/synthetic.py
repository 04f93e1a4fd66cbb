"""Seeded synthetic road-like networks for the scale benchmarks.

A perturbed grid that looks like an unsimplified OpenStreetMap drive network in the ways
that matter to a shortest-path search:

- nodes on a jittered square grid (``spacing_m`` apart), so coordinates and arc lengths
  are plausible and every node has a location;
- about a third of the local street links deleted (dead ends, blocks, T-junctions),
  a few diagonal links added (streets that cut across the grid), giving about 2.7 arcs
  per node (Rutland's drive network, unsimplified, has 2.0; its walk network 2.1);
- an arterial road every 10th row and column (fewer deletions, 40-60 mph) over local
  streets (20-30 mph), and winding arcs up to 30% longer than the straight line;
- 10% of local streets one-way in a random direction, so the graph is directed and
  has small islands outside the main strongly connected component, as real ones do;
- nodes numbered tile by tile (32 x 32 blocks in random order) rather than row by row:
  OSM ids cluster by mapping session, neither perfectly ordered nor random.

Run ``python -m benchmarks.synthetic 100000`` to print a network's statistics.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

import numpy as np


@dataclass
class Synthetic:
    """Arc lists and node coordinates of a synthetic network."""

    u: np.ndarray
    v: np.ndarray
    seconds: np.ndarray
    x: np.ndarray
    y: np.ndarray
    seed: int

    @property
    def n_nodes(self) -> int:
        return len(self.x)

    @property
    def n_arcs(self) -> int:
        return len(self.u)

    def describe(self) -> dict:
        return {
            "generator": "benchmarks/synthetic.py road_network (perturbed grid)",
            "seed": self.seed,
            "nodes": int(self.n_nodes),
            "arcs": int(self.n_arcs),
            "arcs_per_node": round(self.n_arcs / self.n_nodes, 3),
        }


def road_network(
    n_nodes: int,
    *,
    seed: int = 0,
    spacing_m: float = 90.0,
    delete_local: float = 0.34,
    delete_arterial: float = 0.03,
    diagonal: float = 0.06,
    oneway: float = 0.10,
    tile: int = 32,
) -> Synthetic:
    """A seeded road-like directed network with exactly ``n_nodes`` nodes.

    Parameters
    ----------
    n_nodes : int
        Number of nodes.
    seed : int
        Random seed: the same seed gives the same network.
    spacing_m : float
        Grid spacing in metres.
    delete_local, delete_arterial : float
        Share of local / arterial grid links removed.
    diagonal : float
        Share of grid cells crossed by a diagonal link.
    oneway : float
        Share of local links that are one-way.
    tile : int
        Side of the blocks in which nodes are numbered.

    Returns
    -------
    Synthetic
    """
    rng = np.random.default_rng(seed)
    side = int(np.ceil(np.sqrt(n_nodes)))
    idx = np.arange(n_nodes, dtype=np.int64)
    col, row = idx % side, idx // side
    x = col * spacing_m + rng.uniform(-0.3, 0.3, n_nodes) * spacing_m
    y = row * spacing_m + rng.uniform(-0.3, 0.3, n_nodes) * spacing_m

    def grid_id(c: np.ndarray, r: np.ndarray) -> np.ndarray:
        return r * side + c

    # candidate links: right, up, and diagonals (either direction of the cell)
    right = (col + 1 < side) & (grid_id(col + 1, row) < n_nodes)
    up = grid_id(col, row + 1) < n_nodes
    a_r, b_r = idx[right], grid_id(col[right] + 1, row[right])
    a_u, b_u = idx[up], grid_id(col[up], row[up] + 1)
    arterial_r = row[right] % 10 == 0
    arterial_u = col[up] % 10 == 0
    cell = right & (grid_id(col + 1, row + 1) < n_nodes)
    diag = cell & (rng.random(n_nodes) < diagonal)
    flip = rng.random(n_nodes) < 0.5
    a_d = np.where(flip[diag], grid_id(col[diag] + 1, row[diag]), idx[diag])
    b_d = np.where(flip[diag], grid_id(col[diag], row[diag] + 1),
                   grid_id(col[diag] + 1, row[diag] + 1))
    a = np.concatenate([a_r, a_u, a_d])
    b = np.concatenate([b_r, b_u, b_d])
    arterial = np.concatenate([arterial_r, arterial_u, np.zeros(len(a_d), bool)])
    keep = rng.random(len(a)) >= np.where(arterial, delete_arterial, delete_local)
    a, b, arterial = a[keep], b[keep], arterial[keep]

    straight = np.hypot(x[a] - x[b], y[a] - y[b])
    length = straight * rng.uniform(1.0, 1.3, len(a))
    mph = np.where(arterial, rng.choice([40.0, 50.0, 60.0], len(a), p=[0.5, 0.3, 0.2]),
                   rng.choice([20.0, 30.0], len(a), p=[0.4, 0.6]))
    secs = length / (mph * 1.609344 / 3.6)
    one = (~arterial) & (rng.random(len(a)) < oneway)
    fwd = rng.random(len(a)) < 0.5
    both = ~one
    u = np.concatenate([a[both | fwd], b[both | ~fwd]])
    v = np.concatenate([b[both | fwd], a[both | ~fwd]])
    w = np.concatenate([secs[both | fwd], secs[both | ~fwd]])

    # number nodes tile by tile, tiles in random order
    tiles_per_row = -(-side // tile)
    tile_id = (row // tile) * tiles_per_row + col // tile
    tile_rank = rng.permutation(int(tile_id.max()) + 1)[tile_id]
    order = np.lexsort((col, row, tile_rank))  # new label -> old node
    relabel = np.empty(n_nodes, dtype=np.int64)
    relabel[order] = np.arange(n_nodes)
    return Synthetic(u=relabel[u], v=relabel[v], seconds=w, x=x[order], y=y[order], seed=seed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("nodes", type=int)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    net = road_network(args.nodes, seed=args.seed)
    m = csr_matrix((net.seconds, (net.u, net.v)), shape=(net.n_nodes, net.n_nodes))
    ncomp, labels = connected_components(m, directed=True, connection="strong")
    info = net.describe()
    info["strong_components"] = int(ncomp)
    info["main_component_share"] = round(float(np.bincount(labels).max() / net.n_nodes), 4)
    for k, val in info.items():
        print(f"{k}: {val}")


if __name__ == "__main__":
    main()
