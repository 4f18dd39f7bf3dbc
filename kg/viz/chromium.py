"""How kg's browser tests and viewer benchmark start Debian's Chromium: headless and offline.

The flags keep Chromium from reaching out to the network on its own (background updates,
component downloads, sync), which this project's machines refuse; playwright is always given
this executable and never downloads a browser.

>>> "--disable-background-networking" in FLAGS
True
"""

from __future__ import annotations

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
