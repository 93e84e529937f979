"""Tests for ddsdoctor.cyclone."""
