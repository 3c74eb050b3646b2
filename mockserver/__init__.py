"""mockserver: a local sandbox for the HITL.sh, Outharm and Hive moderation APIs.

Scenario files script what simulated reviewers decide, on a virtual clock that tests advance.
"""

__version__ = "0.1.0"
