"""No models: this app only installs row-level security after `migrate` (post_migrate is sent only to apps
with a models module)."""
