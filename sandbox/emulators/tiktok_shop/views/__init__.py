"""The two emulated hosts: the Open API (``emulator.py``) and the auth host (``auth.py``)."""
