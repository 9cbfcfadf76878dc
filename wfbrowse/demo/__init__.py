"""A Datadog-compatible HTTP server on loopback: the `--demo` backend and the tests' server."""
