package dev.elixr.tasks.eval;

/**
 * A classifier head trained on frozen features (ELIXR section 2.3, data-efficient classification): one sigmoid
 * output per finding. Labels are 1, 0 or NaN (not labelled: left out of that finding's loss).
 */
public interface Probe {
    String name();

    /** Fits on {@code x}/{@code y} ([n][findings]) and returns P(positive) for every row of {@code test}, per finding. */
    double[][] fitPredict(float[][] x, double[][] y, float[][] test, long seed);
}
