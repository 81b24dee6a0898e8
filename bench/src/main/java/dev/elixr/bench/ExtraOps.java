package dev.elixr.bench;

import java.util.List;

/** Memory-bound op cases that go through the op front-ends (softmax, layer norm); filled in once those exist. */
final class ExtraOps {
    private ExtraOps() {}

    static List<OpsComparison.OpCase> cases() { return List.of(); }
}
