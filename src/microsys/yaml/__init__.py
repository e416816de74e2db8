"""The only package that touches ruamel.yaml: guarded loading, positions, writing."""
