"""Cyclone DDS configurations under diagnosis: recognition, the XSD model, validation, semantics."""
