package dev.elixr.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ELIXR-C learns: a short training run on fixed seeds (300 easy synthetic studies, 32 px, 10 epochs of batch 32,
 * about half a minute on 2 cores) lowers the CLIP loss and separates the two easiest findings zero-shot.
 *
 * <p>Measured with the same commands on an AVX-512 Intel Xeon: at 6ecc18c train loss 3.60 → 3.15 (epoch 1 → 10),
 * validation loss 3.46 → 3.25, zero-shot AUC Cardiomegaly 0.89, Pleural Effusion 0.81; at c689148 3.60 → 3.14,
 * 3.46 → 3.24, 0.88 and 0.82. The same run with {@code --lr 1e-9} (a model that learns nothing, 6ecc18c) gives train
 * loss 3.61 → 3.57, validation 3.48 → 3.53, AUC 0.25 and 0.57: it fails every bar below. The chance level of the loss
 * is ln(32) = 3.47.
 */
class ElixrCLearnsTest {
    static final double MIN_TRAIN_LOSS_DROP = 0.25, MIN_VALIDATION_LOSS_DROP = 0.10, MIN_EASY_FINDING_AUC = 0.75;

    @TempDir static Path dir;
    static JsonNode epochs, zeroShot;

    @BeforeAll static void trainAndEvaluate() throws Exception {
        Path data = dir.resolve("data"), run = dir.resolve("run");
        cli("data", "synth", "--out", data.toString(), "--studies", "300", "--size", "64", "--difficulty", "easy",
                "--seed", "3", "--no-progress");
        cli("train", "elixr-c", "--data", data.toString(), "--out", run.toString(), "--image-size", "32", "--epochs", "10",
                "--batch", "32", "--lr", "3e-3", "--seed", "1");
        cli("eval", "zero-shot", "--run", run.toString(), "--data", data.toString());
        ObjectMapper m = new ObjectMapper();
        epochs = m.readTree(run.resolve("history.json").toFile()).get("epochs");
        zeroShot = m.readTree(run.resolve("eval/zero-shot/metrics.json").toFile()).get("per_finding");
    }

    static void cli(String... args) {
        PrintStream out = System.out;
        try {
            System.setOut(new PrintStream(new ByteArrayOutputStream()));
            assertEquals(0, new CommandLine(new Elixr()).execute(args), String.join(" ", args));
        } finally {
            System.setOut(out);
        }
    }

    @Test void tenEpochsLowerTheTrainLossBy025AndTheValidationLossBy010() {
        assertEquals(10, epochs.size());
        JsonNode first = epochs.get(0), last = epochs.get(epochs.size() - 1);
        double trainDrop = first.get("trainLoss").asDouble() - last.get("trainLoss").asDouble();
        double valDrop = first.get("valLoss").asDouble() - last.get("valLoss").asDouble();
        assertTrue(trainDrop >= MIN_TRAIN_LOSS_DROP, "train loss fell by " + trainDrop + ": " + epochs);
        assertTrue(valDrop >= MIN_VALIDATION_LOSS_DROP, "validation loss fell by " + valDrop + ": " + epochs);
    }

    @Test void zeroShotAucOfCardiomegalyAndPleuralEffusionIsAtLeast075() {
        for (String finding : new String[] {"Cardiomegaly", "Pleural Effusion"}) {
            JsonNode f = zeroShot.get(finding);
            assertTrue(f.get("n_pos").asInt() >= 10 && f.get("n_neg").asInt() >= 10, finding + ": " + f);
            double auc = f.get("auc").asDouble();
            assertTrue(auc >= MIN_EASY_FINDING_AUC, finding + " zero-shot AUC " + auc);
        }
    }
}
