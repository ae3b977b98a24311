"""The runtime: the worker that runs stored requests, the scheduler, the senders, and the
process wiring (context.py) the use cases get their unit of work from."""
