"""Limits the CLI's options share with the network-file loader, importable without loading it.

(`trace --sample K` checks K against MAX_SAMPLES when its options are declared; importing
`tutor.engine.netfile` for one number would load the TOML reader at every start-up.)
"""

# A batch traced value by value: every sample adds a trace of its own (docs/network-file.md).
MAX_SAMPLES = 1000
