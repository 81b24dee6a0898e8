package dev.elixr.tensor.backend;

/** Which extreme an arg-reduction looks for. */
public enum Extremum {
    MAX, MIN
}
