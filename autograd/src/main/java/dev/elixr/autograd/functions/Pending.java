package dev.elixr.autograd.functions;

/** Marks a function whose forward or backward waits for the tensor-core ops (removed once they land). */
final class Pending {
    private Pending() {}

    static UnsupportedOperationException ops(String op) {
        return new UnsupportedOperationException(op + ": not implemented yet (waits for dev.elixr.tensor.ops)");
    }
}
