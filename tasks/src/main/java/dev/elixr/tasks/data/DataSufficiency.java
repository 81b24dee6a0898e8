package dev.elixr.tasks.data;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The rule for a split with too many unusable items (images that cannot be decoded, studies whose report is missing,
 * empty or binary): it is refused, with the counts, when fewer than half of its listed images remain, or fewer than
 * {@link #MIN_IMAGES} (one contrastive pair). Below that, a run would learn from a different data set than the one
 * named, or from nothing; a few bad files are skipped and counted instead ({@link SkippedItems}).
 */
public final class DataSufficiency {
    /** A contrastive batch, a ranking or an AUC needs at least two items. */
    public static final int MIN_IMAGES = 2;

    private DataSufficiency() {}

    /**
     * Refuses the split unless {@code usable} of its {@code listed} images are at least half and at least {@link #MIN_IMAGES}.
     *
     * @param what the split in words ("training", "test")
     */
    public static void require(Path data, String split, String what, int listed, int usable, SkippedItems skipped) {
        if (usable >= MIN_IMAGES && 2L * usable >= listed) return;
        List<String> why = new ArrayList<>();
        skipped.toJson().getOrDefault(split, java.util.Map.of()).forEach((kind, reasons) -> reasons.forEach((reason, e) ->
                why.add(e.count() + " " + words(kind, reason))));
        throw new IllegalArgumentException("too few usable " + what + " images in " + data + ": " + usable + " of " + listed
                + (why.isEmpty() ? "" : " (" + String.join(", ", why) + ")") + "; at least half and at least " + MIN_IMAGES
                + " are needed: fix or restore the files named above");
    }

    /** The same, first printing what was skipped (the first files of each reason) on {@code log} when it refuses. */
    public static void require(Path data, String split, String what, int listed, int usable, SkippedItems skipped, PrintStream log) {
        try {
            require(data, split, what, listed, usable, skipped);
        } catch (IllegalArgumentException e) {
            for (String line : skipped.lines()) log.println("elixr: " + line);
            throw e;
        }
    }

    private static String words(String kind, String reason) {
        if (reason.equals(SkippedItems.NO_USABLE_REPORT)) return "images without a usable report";
        return (kind.equals(SkippedItems.REPORTS) ? "reports " : "images ") + reason.replace('_', ' ');
    }
}
