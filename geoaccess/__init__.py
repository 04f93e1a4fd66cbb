"""geoaccess: how easily families reach public services, by network travel time.

Load sites and small-area demand, build OpenStreetMap travel-time networks, compute the
area → site matrix once, then score, compare and optimise hub configurations and analyse
who gains and who loses access.

The public names are listed, in the order of a user's work, in ``__init__.pyi``; they are
loaded on first use (Scientific Python SPEC 1, through ``lazy_loader``), so ``import
geoaccess`` is quick and scoring a saved matrix never loads networkx or matplotlib.

Examples
--------
>>> import geoaccess as ga
>>> ga.__version__ == __import__("importlib.metadata").metadata.version("geoaccess")
True
"""

import lazy_loader as _lazy

__getattr__, __dir__, __all__ = _lazy.attach_stub(__name__, __file__)
