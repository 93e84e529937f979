"""OpenSplice durability protocol: decoders, views from captures and live readers."""
