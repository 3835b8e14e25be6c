"""Meta Conversions API emulator (``emulator.py``)."""

from sandbox.emulators.meta_graph.emulator import meta_graph  # noqa: F401  (registers the emulator)
