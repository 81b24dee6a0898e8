package dev.elixr.tools;

import dev.elixr.tasks.data.CxrDataset;
import dev.elixr.tasks.eval.EmbeddingExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code elixr embed}: ELIXR-C (or ELIXR-B) embeddings of a split as a plain .npy with its ids and preprocessing. */
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = "Write the L2-normalised ELIXR-C embeddings of a split as float32 FILE.npy [N,E] (numpy.load reads it), "
                + "FILE.ids.csv (row,dicom_id,study_id,subject_id,split) and FILE.preprocessing.json. Of an ELIXR-B run: "
                + "images as their query embeddings [N,Q,P] (scored by the best query), texts [N,P].")
final class EmbedCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--run", required = true, description = "trained ELIXR-C or ELIXR-B run directory") Path run;
    @Option(names = "--data", required = true, description = "data set root (its layout: --dataset)") Path data;
    @Option(names = "--dataset", defaultValue = CxrDataset.AUTO, paramLabel = DatasetOption.LABEL, description = DatasetOption.DESCRIPTION) String dataset;
    @Option(names = "--out", required = true, description = "output .npy file") Path out;
    @Option(names = "--split", defaultValue = "test", description = "test (default), train, validate or all") String split;
    @Option(names = "--kind", defaultValue = "image", description = "image (default) or text (the reports' findings and impression)") String kind;

    @Override
    public Integer call() throws Exception {
        EmbeddingExport.Kind k = switch (kind.toLowerCase(Locale.ROOT)) {
            case "image" -> EmbeddingExport.Kind.IMAGE;
            case "text" -> EmbeddingExport.Kind.TEXT;
            default -> throw new IllegalArgumentException("--kind " + kind + ": expected image or text");
        };
        var w = EmbeddingExport.write(run, data, CxrDataset.resolve(dataset, data), split, k, out, CommandLineText.of(spec), System.err);
        System.out.printf("%d x %d %s embeddings: %s, %s, %s%n", w.rows(), w.dim(), kind, w.npy(), w.ids(), w.preprocessing());
        return 0;
    }
}
