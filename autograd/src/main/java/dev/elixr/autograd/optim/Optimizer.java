package dev.elixr.autograd.optim;

import dev.elixr.autograd.functions.Host;
import dev.elixr.autograd.nn.Parameter;
import dev.elixr.tensor.Device;
import dev.elixr.tensor.Shape;
import dev.elixr.tensor.Tensor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Updates parameters from their gradients, group by group. Parameters are updated in place when their
 * value is a writable float32 host array, else replaced by an updated copy. Per-parameter state is kept
 * in float32 arrays keyed by the parameter's position across groups ("p0.exp_avg", …) for checkpoints.
 */
public abstract class Optimizer {
    private final List<ParamGroup> groups;
    private final List<Parameter> params = new ArrayList<>();
    private final Map<Parameter, Integer> index = new HashMap<>();
    private final Map<String, float[]> state = new LinkedHashMap<>();
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
                float[] grad = Host.read(p.grad()); // read only
                if (t.device().equals(Device.CPU) && t.isContiguous() && t.storage().array() != null) {
                    update(g, groupLr, index.get(p), t.storage().array(), t.offset(), grad, p);
                } else {
                    float[] w = t.toFloatArray();
                    update(g, groupLr, index.get(p), w, 0, grad, p);
                    Tensor updated = Tensor.wrap(w, p.shape());
                    p.assign(t.device().equals(Device.CPU) ? updated : updated.to(t.device()));
                }
            }
        }
    }

    /**
     * Updates w[off .. off+n) of parameter number i with its gradient g (n = g.length, read only: it may be the
     * gradient tensor's own storage) at learning rate lr.
     * The parameter is passed for norms and shapes; w is what to write.
     */
    protected abstract void update(ParamGroup group, double lr, int i, float[] w, int off, float[] g, Parameter p);

    /** The state array named key of parameter i (zeros of length n on first use). */
    protected final float[] state(int i, String key, int n) {
        return state.computeIfAbsent("p" + i + "." + key, k -> new float[n]);
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
        state.forEach((k, v) -> out.put(k, Tensor.of(v, v.length)));
        return new State(out, lr, steps);
    }

    /** Restores a state taken from an optimiser over the same parameters (shapes are checked). */
    public final void loadState(State s) {
        Map<String, float[]> restored = new LinkedHashMap<>();
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
            restored.put(key, t.toFloatArray());
        }
        state.clear();
        state.putAll(restored);
        lr = s.lr();
        steps = s.steps();
    }
}
