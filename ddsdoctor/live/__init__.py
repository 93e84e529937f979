"""Live domains through Cyclone DDS: ``scan`` (builtin topics) and ``probe`` (historical reads).

Read-only by construction: nothing in this package imports ``cyclonedds.pub``, so no code path
can create a DataWriter (tests/live/test_readonly.py checks the imports and the wire). cyclonedds
is imported only inside functions, when a live command runs; this ``__init__`` stays light
because the probe rules (imported by every command) use :mod:`ddsdoctor.live.results`.
"""

from __future__ import annotations
