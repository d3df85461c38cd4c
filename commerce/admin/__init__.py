"""What admins do: log in, search and cancel orders, adjust stock, edit products, read analytics."""
