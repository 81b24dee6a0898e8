package dev.elixr.tensor.backend;

/**
 * The scalars of one SGD update of one parameter tensor, as torch.optim.SGD with dampening 0: d = g + wd·w;
 * buf = momentum·buf + d (buf = d on the first step); w ← w − lr·buf, or w ← w − lr·(d + momentum·buf) with Nesterov.
 * With momentum 0 there is no buffer.
 */
public record SgdStep(double lr, double momentum, double weightDecay, boolean nesterov, boolean firstStep) {}
