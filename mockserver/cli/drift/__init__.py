"""`mockserver drift`: run a small declared set of probes against a real vendor and against an
in-process sandbox, compare the answers' structure, and say which documented variant the real
service speaks. Vendor-neutral: each vendor declares its probes in its own package
(`mockserver/vendors/<name>/drift_probes.py`)."""
