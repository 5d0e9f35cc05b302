// NeuralNetworks: layers, models, losses, optimizers, fit loop, metrics, checkpoints.
