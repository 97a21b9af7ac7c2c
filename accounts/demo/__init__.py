"""The demo\x27s regions (accounts/demo/regions.toml)."""
