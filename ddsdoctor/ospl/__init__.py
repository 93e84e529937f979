"""OpenSplice configurations under diagnosis: loading, ${VAR} expansion, schema, fleets."""
