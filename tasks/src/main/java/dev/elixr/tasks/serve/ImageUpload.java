package dev.elixr.tasks.serve;

import dev.elixr.tasks.data.GreyImage;
import dev.elixr.tasks.data.CxrImageCodec;

import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * An uploaded PNG or JPEG to a grey image, refusing before decoding what it should not decode: anything but PNG or
 * JPEG by its magic bytes (415), and images whose header declares more than the allowed side or pixel count (413) —
 * a decompression bomb (a few kilobytes declaring 100000 x 100000 pixels) is refused from its header alone. A
 * truncated or corrupt image (decoder warnings included) is a 400.
 */
final class ImageUpload {
    private ImageUpload() {}

    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    static { javax.imageio.ImageIO.setUseCache(false); }

    static GreyImage decode(byte[] bytes, int maxSide, long maxPixels) {
        if (!isPng(bytes) && !isJpeg(bytes)) throw new HttpError(415, "unsupported_image", "the image is not a PNG or JPEG");
        List<String> warnings = new ArrayList<>();
        BufferedImage img;
        try (ImageInputStream in = javax.imageio.ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = javax.imageio.ImageIO.getImageReaders(in);
            if (!readers.hasNext()) throw new HttpError(415, "unsupported_image", "the image is not a PNG or JPEG");
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int w = reader.getWidth(0), h = reader.getHeight(0);
                if (w <= 0 || h <= 0) throw HttpError.badRequest("the image declares no pixels");
                if (w > maxSide || h > maxSide || (long) w * h > maxPixels)
                    throw new HttpError(413, "image_too_large", "the image is " + w + " x " + h + " pixels; at most " + maxSide
                            + " per side and " + maxPixels + " in all are accepted");
                reader.addIIOReadWarningListener((IIOReadWarningListener) (src, msg) -> warnings.add(msg));
                img = reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (HttpError e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new HttpError(400, "corrupt_image", "the image is truncated or corrupt");
        }
        if (!warnings.isEmpty()) throw new HttpError(400, "corrupt_image", "the image is truncated or corrupt");
        return CxrImageCodec.toGrey(img);
    }

    static boolean isPng(byte[] b) {
        if (b.length < PNG.length) return false;
        for (int i = 0; i < PNG.length; i++) if (b[i] != PNG[i]) return false;
        return true;
    }

    static boolean isJpeg(byte[] b) {
        return b.length >= 3 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8 && (b[2] & 0xff) == 0xFF;
    }
}
