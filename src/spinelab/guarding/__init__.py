"""Topic 2, protective guarding: the guarding model, treatments, theories, flexion-relaxation and their figures."""
