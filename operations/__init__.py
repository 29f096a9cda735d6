"""What operators read about the running service: the `/metrics` page and the figures it reads from the database.

The top layer but one (below `demo/`): it reads the models of every app below it and none of them imports it.
"""
