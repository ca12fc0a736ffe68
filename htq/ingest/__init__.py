"""Everything that reaches the network or turns raw source data into a snapshot, used only at
refresh and build time (`python -m htq refresh`, `python -m htq build-snapshot`).

- `sources`: the one module that makes HTTP requests (bounded in time and size, with retries).
- `parse`: the live APIs' and standard pages' shapes into the model.
- `build`: a snapshot from the harvested files in ../shared/data.
- `refresh`: fetch, validate, diff and publish a new snapshot, leaving the old one in use on failure.

Nothing the dashboard imports pulls in this package (tests/test_architecture.py checks), so the
running app can never reach the network.
"""
