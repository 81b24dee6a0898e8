package dev.elixr.spark;

import dev.elixr.tasks.data.CxrImageCodec;
import dev.elixr.tasks.data.GreyImage;
import dev.elixr.tasks.data.dicom.DicomImage;
import dev.elixr.tasks.data.dicom.DicomReader;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Stage 1 of the image path for archive files: a DICOM Part 10 file (recognised by its DICM preamble) through
 * {@link DicomReader} to its display image in [0, 1]; a PNG or JPEG through {@link CxrImageCodec}, as every other
 * command reads them. Any failure is an {@link IOException} naming the file.
 */
final class ArchiveDecoder {
    private ArchiveDecoder() {}

    static GreyImage read(Path file) throws IOException {
        if (DicomReader.isDicom(file)) {
            DicomImage d = new DicomReader().read(file);
            return new GreyImage(d.columns(), d.rows(), d.display());
        }
        return CxrImageCodec.read(file);
    }
}
