"""seed_demo (the demo app, demo/): what it leaves behind, per concern, and that it is safe to run twice."""
