package dev.elixr.tasks.data.dicom;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Encapsulated JPEG Baseline (Process 1) pixel data (PS3.5 A.4.1, 8.2.1): the single frame's fragments after the
 * Basic Offset Table, joined and decoded by the JDK's JPEG reader as a raster (no colour conversion). The JPEG's
 * size must match Rows × Columns before anything is decoded; decoder warnings count as errors.
 */
final class JpegBaseline {
    private JpegBaseline() {}

    static int[] decode(DataSet ds, Element pixelData, PixelModule m) throws DicomException {
        if (m.bitsAllocated() != 8) throw ds.bad(pixelData, "JPEG Baseline needs Bits Allocated 8, not " + m.bitsAllocated());
        byte[] jpeg = frame(ds, pixelData);
        Raster raster = read(ds, pixelData, jpeg, m);
        int[] samples = raster.getSamples(raster.getMinX(), raster.getMinY(), m.columns(), m.rows(), 0, (int[]) null);
        return NativePixels.toStored(samples, m.bitsStored(), m.signed());
    }

    /** The fragments after the Basic Offset Table, joined: for a single-frame image they are all the first frame's. */
    static byte[] frame(DataSet ds, Element pixelData) throws DicomException {
        List<int[]> items = pixelData.fragments();
        if (items.size() < 2) throw ds.bad(pixelData, "encapsulated Pixel Data has no fragment after the Basic Offset Table");
        long total = 0;
        for (int i = 1; i < items.size(); i++) total += items.get(i)[1];
        byte[] out = new byte[(int) total];
        int n = 0;
        for (int i = 1; i < items.size(); i++) {
            System.arraycopy(pixelData.buf(), items.get(i)[0], out, n, items.get(i)[1]);
            n += items.get(i)[1];
        }
        return out;
    }

    private static Raster read(DataSet ds, Element pixelData, byte[] jpeg, PixelModule m) throws DicomException {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg");
        if (!readers.hasNext()) throw ds.bad(pixelData, "this JDK has no JPEG reader");
        ImageReader reader = readers.next();
        List<String> warnings = new ArrayList<>();
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(jpeg))) {
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
            reader.setInput(in, true, true);
            int w = reader.getWidth(0), h = reader.getHeight(0);
            if (w != m.columns() || h != m.rows()) {
                throw ds.bad(pixelData, "JPEG is " + w + "x" + h + " but Columns x Rows is " + m.columns() + "x" + m.rows());
            }
            Raster r = reader.readRaster(0, null);
            if (r.getNumBands() != 1) throw ds.bad(pixelData, "JPEG has " + r.getNumBands() + " components, a grey image has 1");
            if (!warnings.isEmpty()) throw ds.bad(pixelData, "corrupt JPEG (" + String.join("; ", warnings) + ")");
            return r;
        } catch (DicomException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // the JDK decoder's own failures on corrupt data, named with the element
            throw ds.bad(pixelData, "corrupt JPEG (" + e + ")");
        } finally {
            reader.dispose();
        }
    }
}
