"""actas domain and runtime."""
