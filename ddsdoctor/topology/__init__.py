"""Topology of a DDS system from its RTPS traffic: who talks to whom, how much, about what.

Kept import-free on purpose: rule modules import ``ddsdoctor.topology.model`` and ``check``
imports every rule module, so nothing here may pull in networkx. The entry point is
``ddsdoctor.topology.run.run_topology``; see docs/topology.md.
"""
