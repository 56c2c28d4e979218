"""``liveblog bench``: the load harness, the bare asyncio floor, and local nginx + nchan and Pushpin tiers.

Imported only by ``liveblog bench`` (when it runs) and the tests: nothing that serves readers needs it.
"""

from .harness import add_arguments, main

__all__ = ["add_arguments", "main"]
