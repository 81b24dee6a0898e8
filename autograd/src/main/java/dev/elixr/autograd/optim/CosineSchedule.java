package dev.elixr.autograd.optim;

/**
 * Learning rate with linear warm-up then cosine decay (Loshchilov &amp; Hutter 2017, SGDR without restarts;
 * Goyal et al. 2017 warm-up): lr(s) = base·s/warmup for s &lt; warmup, then
 * min + (base-min)·(1+cos(π·(s-warmup)/(total-warmup)))/2, and min after total. A pure function of the step.
 */
public record CosineSchedule(double baseLr, long warmupSteps, long totalSteps, double minLr) {
    public CosineSchedule {
        if (warmupSteps < 0 || totalSteps <= 0 || warmupSteps > totalSteps) {
            throw new IllegalArgumentException("CosineSchedule: need 0 ≤ warmup (" + warmupSteps + ") ≤ total (" + totalSteps + "), total > 0");
        }
    }

    public double lr(long step) {
        if (step < warmupSteps) return baseLr * step / warmupSteps;
        if (step >= totalSteps) return minLr;
        double progress = (double) (step - warmupSteps) / (totalSteps - warmupSteps);
        return minLr + (baseLr - minLr) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }

    /** Sets the optimiser's learning rate for step and returns it. */
    public double apply(Optimizer opt, long step) {
        double lr = lr(step);
        opt.setLr(lr);
        return lr;
    }
}
