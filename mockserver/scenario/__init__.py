"""The scenario engine: what a loaded scenario is (model, steps, the words' vocabulary) and how
it runs (rules matched, steps scheduled on the virtual clock), with the key positions that
make every message name its file and line. Reading scenario files is `scenario.loading`, a
layer above the vendor kit (it reads each vendor's section through the `Vendor` contract)."""
