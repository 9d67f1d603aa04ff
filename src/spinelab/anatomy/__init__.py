"""Topic 1, the spinal muscle layers: muscle data, the layer figures and the muscle sorter."""
