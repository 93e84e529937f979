"""Rule modules, one per family. Every module here is imported by the registry.

Keep them import-light: ``ddsdoctor check`` imports them all, so heavy libraries (scapy,
cyclonedds, networkx) may only be imported inside functions.
"""
