package dev.elixr.tasks.train;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/** The curves of a training run: per step the loss, learning rate and temperature; per epoch the validation loss. */
public record TrainingHistory(List<Step> steps, List<Epoch> epochs) {
    public record Step(long step, double loss, double lr, double temperature) {}

    public record Epoch(int epoch, long step, double trainLoss, double valLoss) {}

    public TrainingHistory() {
        this(new ArrayList<>(), new ArrayList<>());
    }

    public static TrainingHistory read(Path file) throws IOException {
        return new ObjectMapper().readValue(file.toFile(), TrainingHistory.class);
    }

    public void write(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), this);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Keeps only what a resumed run had reached at {@code step}, so curves continue without duplicates. */
    public TrainingHistory truncatedTo(long step) {
        TrainingHistory h = new TrainingHistory();
        for (Step s : steps) if (s.step() <= step) h.steps().add(s);
        for (Epoch e : epochs) if (e.step() <= step) h.epochs().add(e);
        return h;
    }
}
