package dev.elixr.spark;

import dev.elixr.tasks.data.CxrImageFile;
import dev.elixr.tasks.data.GreyImage;
import dev.elixr.models.elixr.ImagePreprocessing;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Stage 1 of the image path for archive files: a DICOM Part 10 file (recognised by its DICM preamble) or a PNG or
 * JPEG through {@link CxrImageFile}, decoded as the run was trained ({@link ImagePreprocessing#decode}), as
 * {@code elixr index build} reads them. Any failure is an {@link IOException} naming the file.
 */
final class ArchiveDecoder {
    private ArchiveDecoder() {}

    static GreyImage read(Path file, String decode) throws IOException {
        return CxrImageFile.read(file, decode);
    }
}
