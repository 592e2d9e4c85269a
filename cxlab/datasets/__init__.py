"""Seeded, realistic demo data for cxlab: the fictional online clothing retailer Loomwear.

``make_demo_data`` builds every canonical table (see :mod:`cxlab.schemas`) in memory with its
ground truth; ``write_demo_data`` writes them as CSV (byte-identical for a seed, atomically);
``ensure_demo_data`` returns ``data/raw/demo``, generating it on first use; ``load_demo`` reads
the CSVs back with canonical dtypes.
"""
from cxlab.datasets._load import load_demo, load_demo_truth
from cxlab.datasets._make import DemoData, make_demo_data
from cxlab.datasets._write import ensure_demo_data, write_demo_data

__all__ = [
    "DemoData",
    "ensure_demo_data",
    "load_demo",
    "load_demo_truth",
    "make_demo_data",
    "write_demo_data",
]
