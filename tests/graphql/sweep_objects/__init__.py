"""One module per app: ``make(tenant, made) -> {node type name: object}`` builds tenant A's
objects of that app's node types (``made`` holds what modules before it built). The isolation
sweep calls every module here; a node type without an object fails the sweep."""
