package dev.elixr.tools;

import dev.elixr.tasks.data.CheXpertLabel;
import dev.elixr.tasks.data.CxrDataset;
import dev.elixr.tasks.data.synth.Site;
import dev.elixr.tasks.data.synth.Difficulty;
import dev.elixr.tasks.data.synth.SyntheticCxr;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code elixr data}: data set tools; {@code elixr data synth} writes synthetic CXR studies in the MIMIC-CXR-JPG layout, {@code decode} one image as .npy. */
@Command(name = "data", description = "Data sets: generate synthetic chest X-ray studies; decode an image file to .npy.",
        subcommands = {DataCommand.Synth.class, DataDecodeCommand.class})
final class DataCommand implements Runnable {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override public void run() { spec.commandLine().usage(System.out); }

    @Command(name = "synth", mixinStandardHelpOptions = true,
            description = "Write synthetic frontal CXR studies with reports, labels, VQA and report-QA items (MIMIC-CXR-JPG layout,"
                    + " or CheXpert's, IU X-ray's or a DICOM folder's with --layout; JPEG, PNG or DICOM images; hospital site A or B).")
    static final class Synth implements Callable<Integer> {
        @Option(names = "--out", required = true, description = "output folder") Path out;
        @Option(names = "--studies", required = true, description = "number of studies") int studies;
        @Option(names = "--seed", defaultValue = "0", description = "seed (default ${DEFAULT-VALUE})") long seed;
        @Option(names = "--size", defaultValue = "224", description = "image side in pixels (default ${DEFAULT-VALUE})") int size;
        @Option(names = "--difficulty", defaultValue = "normal", description = "easy, normal or hard (default ${DEFAULT-VALUE})") String difficulty;
        @Option(names = "--site", defaultValue = "A", paramLabel = "A|B",
                description = "hospital: A (default) or B (other detector gamma/contrast, noise, half resolution, burned-in marker,"
                        + " MONOCHROME1 DICOM, an ICU-heavy patient mix)") String site;
        @Option(names = "--layout", defaultValue = "mimic-cxr-jpg", paramLabel = "mimic-cxr-jpg|chexpert|iu-xray|dicom",
                description = "folder layout of the data set written (default ${DEFAULT-VALUE}; dicom: images/ and labels.csv);"
                        + " --dataset auto recognises it") String layout;
        @Option(names = "--format", paramLabel = "jpeg|png|dicom",
                description = "image files (default: the layout's own, JPEG for mimic-cxr-jpg and chexpert, 16-bit PNG for iu-xray, DICOM for dicom)") String format;
        @Option(names = "--threads", description = "worker threads (default: all cores; does not change the output)") Integer threads;
        @Option(names = "--no-progress", description = "no progress bar") boolean noProgress;

        @Override
        public Integer call() throws Exception {
            SyntheticCxr.Options o = SyntheticCxr.Options.of(studies, seed).withSize(size).withDifficulty(Difficulty.parse(difficulty))
                    .withProgress(!noProgress).withSite(Site.parse(site)).withLayout(CxrDataset.parse(layout));
            if (format != null) o = o.withFormat(SyntheticCxr.ImageFormat.parse(format));
            if (threads != null) o = o.withThreads(threads);
            SyntheticCxr.Summary s = SyntheticCxr.generate(out, o);
            System.out.printf("wrote %d studies of %d patients (%dx%d, %s, site %s, %s layout, %s) to %s in %.1f s: %d VQA items, %d report-QA items%n",
                    s.studies(), s.patients(), size, size, difficulty, o.site().name(), o.layout().key(), o.format().name().toLowerCase(java.util.Locale.ROOT), out, s.millis() / 1000.0, s.vqaItems(), s.reportQaItems());
            StringBuilder sb = new StringBuilder("positives:");
            for (CheXpertLabel l : CheXpertLabel.values()) sb.append(' ').append(l.column()).append('=').append(s.positives().getOrDefault(l, 0));
            System.out.println(sb);
            return 0;
        }
    }
}
