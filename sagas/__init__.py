"""State machines as Python that renders Amazon States Language."""
