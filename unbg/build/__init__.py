"""Build time only: the served site, the pipeline graphs, quantization."""
