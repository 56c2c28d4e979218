"""The HTTP layer: routes grouped by who they serve, and the middleware around them."""
