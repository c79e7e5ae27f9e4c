"""The native map canvas: layers, base map, overlays and tools (see canvas.MapView)."""
