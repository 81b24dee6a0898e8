package dev.elixr.tools;

import dev.elixr.autograd.io.Npy;
import dev.elixr.tasks.data.GreyImage;
import dev.elixr.tasks.data.CxrImageCodec;
import dev.elixr.tasks.data.dicom.DicomImage;
import dev.elixr.tasks.data.dicom.DicomReader;
import dev.elixr.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code elixr data decode}: one image file's pixel array as a float32 .npy [rows, columns]. */
@Command(name = "decode", mixinStandardHelpOptions = true,
        description = {"Write a DICOM, PNG or JPEG file's pixel array as float32 .npy, shape [rows, columns].",
                "DICOM (detected by 'DICM' after the preamble): without --raw, the display image in [0, 1] (VOI LUT, else the"
                        + " window, else min..max; MONOCHROME1 inverted, 1 = white); with --raw, the stored values after"
                        + " Rescale Slope/Intercept only.",
                "PNG/JPEG: without --raw, grey values in [0, 1]; with --raw, the stored integers (0..255 or 0..65535)."})
final class DataDecodeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "a DICOM Part 10, PNG or JPEG file") Path file;
    @Option(names = "--output", required = true, paramLabel = "OUT.npy", description = "the .npy file to write") Path output;
    @Option(names = "--raw", description = "stored values (after rescale for DICOM) instead of the display image") boolean raw;

    @Override
    public Integer call() throws Exception {
        Tensor t;
        String what;
        if (DicomReader.isDicom(file)) {
            DicomImage d = new DicomReader().read(file);
            t = Tensor.wrap(raw ? d.raw() : d.display(), d.rows(), d.columns());
            what = "DICOM " + d.syntax().title() + ", " + d.pixels().bitsStored() + "-bit " + (d.pixels().signed() ? "signed" : "unsigned")
                    + (d.pixels().monochrome1() ? ", MONOCHROME1" : "") + (raw ? ", raw after rescale" : ", display via " + d.voiDescription());
        } else {
            GreyImage g = CxrImageCodec.read(file);
            float scale = raw ? (1 << g.bitDepth()) - 1 : 1;
            float[] px = new float[g.pixels().length];
            for (int i = 0; i < px.length; i++) px[i] = raw ? Math.round(g.pixels()[i] * scale) : g.pixels()[i];
            t = Tensor.wrap(px, g.height(), g.width());
            what = g.bitDepth() + "-bit image" + (raw ? ", raw stored values" : ", grey in [0, 1]");
        }
        Npy.write(output, t);
        System.out.printf("wrote %s: float32 [%d, %d] (%s)%n", output, t.shape()[0], t.shape()[1], what);
        return 0;
    }
}
