"""Building blocks that know no other part of the sandbox: errors, ids, JSON, durations,
bounded logs, redaction, request bodies, filters, URLs, user regexes, the event loop and its
watchdog, garbage-collector policy, rate limits and log set-up."""
