"""Settings, application wiring, scheduling and the `planbot` command line."""
