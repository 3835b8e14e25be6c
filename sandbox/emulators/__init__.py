"""One module (or package) per emulated platform; each registers its ``Emulator`` on import.

``sandbox.framework.autodiscover`` imports them all when Django starts.
"""
