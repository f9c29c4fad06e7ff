"""Generators: decisions (and the domain model) in, template layers with their contexts out."""
