"""公开属性: document structure, 文种 and direction, label parsing, suggestion with reasons."""
