package dev.elixr.autograd.check;

/** Placeholder: finite-difference gradient checks arrive with the op backward passes. */
final class GradCheck {
    private GradCheck() {}
}
