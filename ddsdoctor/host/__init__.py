"""Facts about the machine a configuration runs on, read once and handed to rules as values."""
