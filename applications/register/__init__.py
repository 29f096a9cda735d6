"""The public register of accredited projects: what anyone may see of them, without signing in.

`selectors` is the one read of the register (the page, its downloads, its feed, and any other interface that
publishes it); `cache` keeps its rendered pages until an application enters or leaves the register.
"""
