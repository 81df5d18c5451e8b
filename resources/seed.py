"""Starting content for the resources app from NCB's deck. Creates only what is missing."""


def load(stdout=None):
    return {}
