package dev.elixr.autograd.nn;

import dev.elixr.tensor.Shape;
import dev.elixr.tensor.SegmentStorage;
import dev.elixr.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A building block with named parameters, buffers and child modules, registered in order, so that
 * names are hierarchical and stable ({@code encoder.layer.0.attention.self.query.weight}) and map
 * directly to Hugging Face / PyTorch state dicts.
 */
public abstract class Module {
    private final LinkedHashMap<String, Parameter> parameters = new LinkedHashMap<>();
    private final LinkedHashMap<String, Tensor> buffers = new LinkedHashMap<>();
    private final LinkedHashMap<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    // ------------------------------------------------------------------ registration (for subclasses)

    /** Registers a trainable parameter under name and returns it. */
    protected final Parameter registerParameter(String name, Tensor init) {
        checkName(name);
        Parameter p = new Parameter(init);
        parameters.put(name, p);
        return p;
    }

    /** Registers a child module under name and returns it. */
    protected final <M extends Module> M registerModule(String name, M module) {
        checkName(name);
        if (module == null) throw new IllegalArgumentException(getClass().getSimpleName() + ": child module '" + name + "' is null");
        children.put(name, module);
        return module;
    }

    /** Registers a non-trainable state tensor (e.g. running statistics) that belongs to the state dict. */
    protected final void registerBuffer(String name, Tensor value) {
        checkName(name);
        buffers.put(name, value);
    }

    protected final Tensor buffer(String name) {
        Tensor t = buffers.get(name);
        if (t == null) throw new IllegalArgumentException(getClass().getSimpleName() + ": no buffer '" + name + "'");
        return t;
    }

    protected final void setBuffer(String name, Tensor value) {
        Tensor old = buffer(name);
        if (!old.sameShape(value)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": buffer '" + name + "' is " + Shape.str(old.shape())
                    + ", new value " + Shape.str(value.shape()));
        }
        buffers.put(name, value);
    }

    private void checkName(String name) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": invalid name '" + name + "' (non-empty, no dots)");
        }
        if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": name '" + name + "' registered twice");
        }
    }

    // ------------------------------------------------------------------ traversal

    /** All parameters with hierarchical names, in registration order (own parameters first, then children). */
    public LinkedHashMap<String, Parameter> namedParameters() {
        LinkedHashMap<String, Parameter> out = new LinkedHashMap<>();
        collectParameters("", out);
        return out;
    }

    private void collectParameters(String prefix, Map<String, Parameter> out) {
        parameters.forEach((n, p) -> out.put(prefix + n, p));
        children.forEach((n, m) -> m.collectParameters(prefix + n + ".", out));
    }

    public List<Parameter> parameters() { return new ArrayList<>(namedParameters().values()); }

    /** Parameters that currently require grad (not frozen). */
    public List<Parameter> trainableParameters() {
        List<Parameter> out = new ArrayList<>();
        for (Parameter p : namedParameters().values()) if (p.requiresGrad()) out.add(p);
        return out;
    }

    /** All buffers with hierarchical names. */
    public LinkedHashMap<String, Tensor> namedBuffers() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        collectBuffers("", out);
        return out;
    }

    private void collectBuffers(String prefix, Map<String, Tensor> out) {
        buffers.forEach((n, t) -> out.put(prefix + n, t));
        children.forEach((n, m) -> m.collectBuffers(prefix + n + ".", out));
    }

    /** Direct children in registration order. */
    public LinkedHashMap<String, Module> children() { return new LinkedHashMap<>(children); }

    /** This module ("") and all descendants with hierarchical names. */
    public LinkedHashMap<String, Module> namedModules() {
        LinkedHashMap<String, Module> out = new LinkedHashMap<>();
        collectModules("", out);
        return out;
    }

    private void collectModules(String name, Map<String, Module> out) {
        out.put(name, this);
        children.forEach((n, m) -> m.collectModules(name.isEmpty() ? n : name + "." + n, out));
    }

    // ------------------------------------------------------------------ modes

    /** Training mode for this module and all descendants (dropout active, batch statistics). */
    public Module train() { return train(true); }

    /** Evaluation mode for this module and all descendants. */
    public Module eval() { return train(false); }

    public Module train(boolean on) {
        training = on;
        children.values().forEach(m -> m.train(on));
        return this;
    }

    public boolean isTraining() { return training; }

    /** Stops gradients for all parameters of this module and its descendants. */
    public Module freeze() {
        namedParameters().values().forEach(p -> p.requiresGrad(false));
        return this;
    }

    public Module unfreeze() {
        namedParameters().values().forEach(p -> p.requiresGrad(true));
        return this;
    }

    /** Number of scalar parameters. */
    public long parameterCount() {
        long n = 0;
        for (Parameter p : namedParameters().values()) n += p.numel();
        return n;
    }

    /** Number of scalar parameters that require grad. */
    public long trainableParameterCount() {
        long n = 0;
        for (Parameter p : namedParameters().values()) if (p.requiresGrad()) n += p.numel();
        return n;
    }

    public void zeroGrad() { namedParameters().values().forEach(Parameter::zeroGrad); }

    // ------------------------------------------------------------------ state

    /** Parameters and buffers by hierarchical name (the tensors themselves, not copies). */
    public Map<String, Tensor> stateDict() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        namedParameters().forEach((n, p) -> out.put(n, p.value()));
        out.putAll(namedBuffers());
        return out;
    }

    /**
     * Loads parameters and buffers by name. Values are copied into fresh float32 tensors on the
     * parameter's device, except read-only memory-mapped ones (kept without copy; optimizers replace
     * rather than write them). Shape mismatches always fail, listing every one; strict also fails on
     * missing or unexpected names. Returns what was missing and unexpected.
     */
    public LoadReport loadStateDict(Map<String, Tensor> state, boolean strict) {
        Map<String, Parameter> params = namedParameters();
        Map<String, Tensor> bufs = namedBuffers();
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>(), mismatched = new ArrayList<>();
        for (var e : state.entrySet()) {
            Tensor own = params.containsKey(e.getKey()) ? params.get(e.getKey()).value() : bufs.get(e.getKey());
            if (own == null) unexpected.add(e.getKey());
            else if (!own.sameShape(e.getValue())) {
                mismatched.add(e.getKey() + ": expected " + Shape.str(own.shape()) + ", got " + Shape.str(e.getValue().shape()));
            }
        }
        for (String n : params.keySet()) if (!state.containsKey(n)) missing.add(n);
        for (String n : bufs.keySet()) if (!state.containsKey(n)) missing.add(n);
        if (!mismatched.isEmpty() || (strict && (!missing.isEmpty() || !unexpected.isEmpty()))) {
            StringBuilder sb = new StringBuilder("loadStateDict into " + getClass().getSimpleName() + " failed:");
            for (String m : mismatched) sb.append("\n  shape mismatch ").append(m);
            if (strict) {
                for (String m : missing) sb.append("\n  missing ").append(m);
                for (String u : unexpected) sb.append("\n  unexpected ").append(u);
            }
            throw new IllegalArgumentException(sb.toString());
        }
        for (var e : params.entrySet()) {
            Tensor v = state.get(e.getKey());
            if (v != null) e.getValue().assign(adopt(v, e.getValue().value()));
        }
        for (var e : bufs.entrySet()) {
            Tensor v = state.get(e.getKey());
            if (v != null) findOwner(e.getKey()).buffers.put(leaf(e.getKey()), adopt(v, e.getValue()));
        }
        return new LoadReport(List.copyOf(missing), List.copyOf(unexpected));
    }

    /** Names left out (missing) and names not belonging to this module (unexpected) after a load. */
    public record LoadReport(List<String> missing, List<String> unexpected) {}

    private static Tensor adopt(Tensor v, Tensor like) {
        if (v.storage() instanceof SegmentStorage s && s.segment().isReadOnly() && v.device().equals(like.device())) return v;
        return v.to(like.device()).copy();
    }

    private Module findOwner(String name) {
        Module m = this;
        String[] parts = name.split("\\.");
        for (int i = 0; i < parts.length - 1; i++) m = m.children.get(parts[i]);
        return m;
    }

    private static String leaf(String name) { return name.substring(name.lastIndexOf('.') + 1); }
}
