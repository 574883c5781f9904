"""People's data rights (docs/privacy.md): the personal-data registry (registry.py), what each field of this
app is (entries.py), and the two walks over the registry that erasure and export share (rows.py, apply.py)."""
