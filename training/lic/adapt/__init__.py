"""Task adaptors: import a task network from ONNX, train S-/T-adaptors against it, export packs."""
