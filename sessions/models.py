"""Models arrive with their issue; see ../shared/ARCHITECTURE.md."""
