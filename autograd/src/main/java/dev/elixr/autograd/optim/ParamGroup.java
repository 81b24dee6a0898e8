package dev.elixr.autograd.optim;

import dev.elixr.autograd.nn.Module;
import dev.elixr.autograd.nn.Parameter;

import java.util.ArrayList;
import java.util.List;

/**
 * Parameters that share optimiser settings: weight decay, a multiplier of the optimiser's learning rate,
 * and whether LARS adapts their step (biases and norm weights are usually excluded from both).
 */
public record ParamGroup(String name, List<Parameter> params, double weightDecay, double lrScale, boolean adapt) {
    public ParamGroup {
        params = List.copyOf(params);
        if (weightDecay < 0) throw new IllegalArgumentException("ParamGroup " + name + ": negative weight decay " + weightDecay);
    }

    public ParamGroup(String name, List<Parameter> params, double weightDecay) { this(name, params, weightDecay, 1.0, true); }

    /**
     * Two groups of the module's trainable parameters: "decay" (matrices and kernels, rank ≥ 2) with the given
     * weight decay, and "no_decay" (biases, norm weights: rank &lt; 2) without decay or LARS adaptation.
     */
    public static List<ParamGroup> decayAndNoDecay(Module module, double weightDecay) {
        List<Parameter> decay = new ArrayList<>(), noDecay = new ArrayList<>();
        for (Parameter p : module.trainableParameters()) (p.dim() >= 2 ? decay : noDecay).add(p);
        return List.of(new ParamGroup("decay", decay, weightDecay, 1.0, true), new ParamGroup("no_decay", noDecay, 0.0, 1.0, false));
    }
}
