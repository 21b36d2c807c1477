"""The native side: numpy, Pillow, pillow-heif and onnxruntime: the engine, codecs, CLI and eval."""
