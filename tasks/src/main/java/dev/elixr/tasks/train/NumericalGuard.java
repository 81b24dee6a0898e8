package dev.elixr.tasks.train;

import dev.elixr.autograd.AnomalyMode;
import dev.elixr.autograd.NonFinite;
import dev.elixr.autograd.NonFiniteException;
import dev.elixr.autograd.Var;
import dev.elixr.autograd.io.Checkpoint;
import dev.elixr.autograd.io.Safetensors;
import dev.elixr.autograd.nn.Module;
import dev.elixr.autograd.nn.Parameter;
import dev.elixr.autograd.optim.Optimizer;
import dev.elixr.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * NaN/Inf guards for any training loop: a cheap check per step (each loss term is finite; the global gradient norm,
 * which clipping computes anyway, is finite) and, only when it fires, a detailed scan naming the first parameter in
 * registration order (HF-style name) whose value or gradient is non-finite. Before the run stops with a
 * {@link TrainingDivergedException} naming step, loss term and parameter, the state is written to
 * {@code diagnostics/step-N.ckpt} (plus {@code step-N.grads.safetensors}), never over a resume checkpoint. When autograd's
 * {@link AnomalyMode} is on ({@code --detect-anomaly}), the op that made the first NaN is named as well.
 * <p>Call {@link #beginStep} before the forward pass, {@link #checkLoss} after it, {@link #checkGradients} after
 * backward and clipping, right before the optimizer step (an anomaly found later, e.g. in validation, is reported as
 * "after step N" with the updated state).
 */
public final class NumericalGuard {
    private final Module model;
    private final Optimizer optimizer;
    private final Path diagnostics;
    private long step;
    private Supplier<Map<String, Tensor>> trainingState = Map::of;
    /** True once this step's gradients passed: the optimizer has updated (or is about to), e.g. validation runs. */
    private boolean updated;

    public NumericalGuard(Module model, Optimizer optimizer, Path diagnostics) {
        this.model = model;
        this.optimizer = optimizer;
        this.diagnostics = diagnostics;
        if (AnomalyMode.isEnabled()) AnomalyMode.setHandler(this::onAnomaly);
    }

    /** Training state beyond model and optimizer (e.g. the negative queue) to include in diagnostic checkpoints. */
    public NumericalGuard withTrainingState(Supplier<Map<String, Tensor>> state) {
        this.trainingState = state;
        return this;
    }

    /** The step about to be computed (1-based: after it, step checkpoints are named step-N). */
    public void beginStep(long step) {
        this.step = step;
        this.updated = false;
    }

    /** Stops the run when a loss term is NaN or infinite. */
    public void checkLoss(String term, double value) {
        if (Double.isFinite(value)) return;
        String params = scan(n -> n.value(), "parameter");
        String cause = params != null ? params
                : "every parameter is finite, so an op made it: resume from the last checkpoint with --detect-anomaly to name the op";
        throw stop("loss term '" + term + "' is " + value + ". " + cause, null);
    }

    /** Stops the run when the global gradient norm is NaN or infinite; returns the norm. */
    public double checkGradients(String term, double globalNorm) {
        if (Double.isFinite(globalNorm)) {
            updated = true;
            return globalNorm;
        }
        String grads = scan(Var::grad, "gradient"), params = scan(n -> n.value(), "parameter");
        String cause = grads == null ? "no single gradient is non-finite (their norm overflowed)"
                : grads + "; " + (params != null ? params
                : "every parameter is finite, so an op's backward made it: resume from the last checkpoint with --detect-anomaly to name the op");
        throw stop("the gradient of loss term '" + term + "' is non-finite (global norm " + globalNorm + "). " + cause, null);
    }

    /** With AnomalyMode on: the op's report, plus the parameter it read, the step and the diagnostic checkpoint. */
    private RuntimeException onAnomaly(NonFiniteException e) {
        String param = e.input() == null ? null : nameOf(e.input());
        return stop(e.getMessage() + (param != null ? " (that input is parameter " + param + ")" : ""), e);
    }

    /** "first non-finite parameter (registration order): NAME = NaN at …; k of n parameters non-finite", or null. */
    private String scan(Function<Parameter, Tensor> what, String kind) {
        String first = null;
        int bad = 0, total = 0;
        for (Map.Entry<String, Parameter> p : model.namedParameters().entrySet()) {
            total++;
            Tensor t = what.apply(p.getValue());
            String d = t == null ? null : NonFinite.describe(t);
            if (d == null) continue;
            bad++;
            if (first == null) first = p.getKey() + " = " + d;
        }
        return first == null ? null : "first non-finite " + kind + " (registration order): " + first + "; " + bad + " of " + total
                + " " + kind + "s non-finite";
    }

    private String nameOf(Var v) {
        for (Map.Entry<String, Parameter> p : model.namedParameters().entrySet()) if (p.getValue() == v) return p.getKey();
        return null;
    }

    private TrainingDivergedException stop(String what, Throwable cause) {
        String message = String.format(Locale.ROOT, "train: stopped %s step %d: %s", updated ? "after" : "at", step, what);
        Path file = diagnostics.resolve(String.format(Locale.ROOT, "step-%09d.ckpt", step));
        try {
            writeDiagnostic(file, message);
            message += ". Diagnostic checkpoint (the state " + (updated ? "after" : "before") + " this step's update; the resume"
                    + " checkpoints are untouched): " + file;
        } catch (IOException | RuntimeException e) {
            message += ". The diagnostic checkpoint could not be written to " + file + ": " + e.getMessage();
            file = null;
        }
        return new TrainingDivergedException(step, file, message, cause);
    }

    private void writeDiagnostic(Path file, String message) throws IOException {
        Files.createDirectories(diagnostics);
        Checkpoint.save(file, Checkpoint.capture(model, optimizer, updated ? step : step - 1).with("diagnosis", message).with("failed_step", Long.toString(step))
                .withState(trainingState.get()));
        Map<String, Tensor> grads = new LinkedHashMap<>();
        model.namedParameters().forEach((k, p) -> { if (p.grad() != null) grads.put(k, p.grad()); });
        if (!grads.isEmpty())
            Safetensors.write(diagnostics.resolve(String.format(Locale.ROOT, "step-%09d.grads.safetensors", step)), grads);
    }
}
