"""The cross-cutting suites, as checks of one vendor: auth, the console, OpenAPI, the scenario
schema (the image probe is tools/image_probe.py).

Each suite's own tests run these for every vendor the registry lists (`registry.vendors()`), so
a vendor added to `mockserver/registry.py` is checked with no test edited; the generated-vendor
test (tests/generated/) runs every one of them over a vendor the generator writes. Each check
returns the problems it found, one line each, naming the vendor (empty: none), so a failure
lists everything at once.
"""

NO_VENDOR = "-no-such-vendor-"
"""A name no vendor can have (a vendor's name starts with a letter: `mockserver/kit/contract.py`),
for the tests of what the sandbox answers about a vendor it does not serve."""
