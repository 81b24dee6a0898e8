package dev.elixr.autograd.optim;

import dev.elixr.autograd.nn.Parameter;
import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Updates parameters from their gradients, group by group, with tensor-core ops on the parameters' device (the update
 * kernels of {@link dev.elixr.tensor.ops.Update}, or elementwise ops). Parameters are updated in place when their value
 * is a contiguous tensor over writable memory, else first replaced by a contiguous copy. Per-parameter state is kept
 * in float32 tensors on the parameter's device, keyed by the parameter's position across groups ("p0.exp_avg", …),
 * for checkpoints (which read them to the host).
 */
public abstract class Optimizer {
    private final List<ParamGroup> groups;
    private final List<Parameter> params = new ArrayList<>();
    private final Map<Parameter, Integer> index = new HashMap<>();
    private final Map<String, Tensor> state = new LinkedHashMap<>();
    private double lr;
    private long steps;

    protected Optimizer(List<ParamGroup> groups, double lr) {
        if (!(lr >= 0)) throw new IllegalArgumentException(getClass().getSimpleName() + ": learning rate must be ≥ 0, got " + lr);
        this.groups = List.copyOf(groups);
        this.lr = lr;
        for (ParamGroup g : this.groups) {
            for (Parameter p : g.params()) {
                if (index.putIfAbsent(p, params.size()) != null) {
                    throw new IllegalArgumentException(getClass().getSimpleName() + ": a parameter appears in more than one group (" + g.name() + ")");
                }
                params.add(p);
            }
        }
    }

    /** One update of every parameter that has a gradient. */
    public final void step() {
        steps++;
        for (ParamGroup g : groups) {
            double groupLr = lr * g.lrScale();
            for (Parameter p : g.params()) {
                if (p.grad() == null) continue;
                Tensor t = p.value();
                if (!t.isContiguous() || t.device().kind() == dev.elixr.tensor.Device.Kind.CPU && t.storage().array() == null) {
                    t = t.copy(); // a view or memory-mapped weights: update a contiguous copy of our own
                    p.assign(t);
                }
                Tensor grad = p.grad().device().equals(t.device()) ? p.grad() : p.grad().to(t.device());
                update(g, groupLr, index.get(p), t, grad, p);
            }
        }
    }

    /**
     * Updates w (the parameter's contiguous value, in place) of parameter number i from its gradient g (read only, on
     * w's device) at learning rate lr. The parameter is passed for norms and shapes.
     */
    protected abstract void update(ParamGroup group, double lr, int i, Tensor w, Tensor g, Parameter p);

    /** The state tensor named key of parameter i, shaped and placed like w (zeros on first use). */
    protected final Tensor state(int i, String key, Tensor w) {
        String k = "p" + i + "." + key;
        Tensor t = state.get(k);
        if (t == null) t = Tensor.zeros(w.shape()).to(w.device());
        else if (!t.device().equals(w.device()) || !t.sameShape(w) || !t.isContiguous()) t = t.reshape(w.shape()).contiguous().to(w.device());
        state.put(k, t);
        return t;
    }

    /** A host counter of parameter i named key (one value, e.g. Adam's step t), created as 0. */
    protected final float[] counter(int i, String key) {
        Tensor t = state.computeIfAbsent("p" + i + "." + key, k -> Tensor.zeros(1));
        if (t.storage().array() == null || t.offset() != 0) {
            t = Tensor.wrap(t.toFloatArray(), 1);
            state.put("p" + i + "." + key, t);
        }
        return t.storage().array();
    }

    /** Number of values of the state named key for a parameter of n elements (n unless an optimiser says otherwise). */
    protected int stateSize(String key, int n) { return n; }

    /** True when parameter i already has state named key. */
    protected final boolean hasState(int i, String key) { return state.containsKey("p" + i + "." + key); }

    public final void zeroGrad() { params.forEach(Parameter::zeroGrad); }

    /** The base learning rate (each group uses it times its lrScale). */
    public final double lr() { return lr; }

    public final void setLr(double lr) { this.lr = lr; }

    public final List<ParamGroup> groups() { return groups; }

    public final List<Parameter> params() { return List.copyOf(params); }

    /** Number of step() calls so far. */
    public final long steps() { return steps; }

    /** Everything needed to continue bitwise: state tensors by key, learning rate and step count. */
    public record State(Map<String, Tensor> tensors, double lr, long steps) {}

    public final State state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        state.forEach((k, v) -> out.put(k, Tensor.of(v.toFloatArray(), v.numel())));
        return new State(out, lr, steps);
    }

    /** Restores a state taken from an optimiser over the same parameters (shapes are checked). */
    public final void loadState(State s) {
        Map<String, Tensor> restored = new LinkedHashMap<>();
        for (var e : s.tensors().entrySet()) {
            String key = e.getKey();
            int dot = key.indexOf('.');
            int i;
            try {
                if (!key.startsWith("p") || dot < 0) throw new NumberFormatException(key);
                i = Integer.parseInt(key.substring(1, dot));
            } catch (RuntimeException ex) {
                throw new IllegalArgumentException(getClass().getSimpleName() + ".loadState: bad state key '" + key + "'");
            }
            if (i < 0 || i >= params.size()) {
                throw new IllegalArgumentException(getClass().getSimpleName() + ".loadState: state '" + key + "' for parameter " + i
                        + " but the optimiser has " + params.size());
            }
            Tensor t = e.getValue();
            int expected = stateSize(key.substring(dot + 1), params.get(i).numel());
            if (t.numel() != expected) {
                throw new IllegalArgumentException(getClass().getSimpleName() + ".loadState: state '" + key + "' has " + t.numel()
                        + " values, expected " + expected + " for parameter " + i + " " + Shape.str(params.get(i).shape()));
            }
            restored.put(key, Tensor.of(t.toFloatArray(), t.numel()));
        }
        state.clear();
        state.putAll(restored);
        lr = s.lr();
        steps = s.steps();
    }
}
